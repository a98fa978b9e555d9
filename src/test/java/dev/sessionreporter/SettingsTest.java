package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://online.superoffice.com/Cust1/Remote/Services88/CustomerService.svc",
            "http://127.0.0.1:8089/x/Remote/Services88/CustomerService.svc", "http://localhost/x",
            "http://[::1]:8080/x", "http://127.10.0.1/x"})
    void acceptsHttpsAndLoopbackHttp(String url) {
        assertThatCode(() -> Settings.requireHttpsUnlessLoopback("superoffice.url", url)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://crm.example.com/x", "http://10.0.0.5/x", "http://localhost.example.com/x",
            "http://128.0.0.1/x", "http://127.0.0.1.example.invalid/x", "http://localhost.example.invalid/x",
            "http://127.0.0.1@evil.invalid/x", "http://localhost:8080@evil.invalid/x"})
    void refusesPlainHttpToAnyOtherHost(String url) {
        assertThatThrownBy(() -> Settings.requireHttpsUnlessLoopback("superoffice.url", url))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("superoffice.url uses plain http://")
                .hasMessageContaining("superoffice.allow-insecure-http=true");
    }

    @Test
    void aSettingWhoseOptionalDependencyIsMissingRefusesTheStartNamingIt() {
        assertThatThrownBy(() -> Settings.requireOptionalDependency("reporter.cluster.zookeeper.nodes",
                "org.example.NotOnThisClasspath", "camel-zookeeper"))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("reporter.cluster.zookeeper.nodes is set")
                .hasMessageContaining("org.apache.camel:camel-zookeeper");
        assertThatCode(() -> Settings.requireOptionalDependency("reporter.duplicates.jdbc.url",
                "org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository", "camel-sql"))
                .as("camel-sql is on the test classpath").doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x/y", "not a url", "http:///nohost", "mailto:a@b"})
    void refusesWhatIsNotAnHttpUrl(String url) {
        assertThatThrownBy(() -> Settings.requireHttpUrl("superoffice.url", url))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("must be an http:// or https:// URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"report", "queue"})
    void acceptsTheTimerTargets(String target) {
        assertThatCode(() -> Settings.oneOf("reporter.timer.target", target, "report", "queue")).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Queue", "session-reporter-jms", "direct:session-reporter-report"})
    void refusesAnyOtherTimerTarget(String target) {
        assertThatThrownBy(() -> Settings.oneOf("reporter.timer.target", target, "report", "queue"))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("reporter.timer.target must be one of report, queue")
                .hasMessageContaining("REPORTER_TIMER_TARGET");
    }

    @Test
    void refusesTheHostsJmsComponentNamingOursAndTheProperty() {
        // an operator who copies a camel-jms URI from elsewhere: Camel would make a jms component without a broker
        assertThatThrownBy(() -> Settings.requireOwnJmsComponent("reporter.queue.uri", "jms:queue:in?concurrentConsumers=2"))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("reporter.queue.uri")
                .hasMessageContaining("REPORTER_QUEUE_URI")
                .hasMessageContaining("session-reporter-jms:queue:in)");
        Settings.requireOwnJmsComponent("reporter.dead-letter.uri", "session-reporter-jms:queue:dlq");
        Settings.requireOwnJmsComponent("reporter.dead-letter.uri", "log:dead");
    }

    @ParameterizedTest
    @CsvSource({
        "session-reporter-jms:queue:superoffice.session-active, superoffice.session-active",
        "session-reporter-jms:queue:in?concurrentConsumers=2, in",
        "session-reporter-jms:plain, plain",
        "session-reporter-jms://queue:slashes, slashes"
    })
    void jmsQueueNameIsTheQueueOfACamelJmsUri(String uri, String queue) {
        assertThat(Settings.jmsQueueName(uri)).contains(queue);
    }

    @ParameterizedTest
    @ValueSource(strings = {"session-reporter-jms:topic:news", "jms:temp-queue:reply", "log:dev.sessionreporter.result", "direct:x", "jms:"})
    void jmsQueueNameIsEmptyForAnythingButAJmsQueue(String uri) {
        assertThat(Settings.jmsQueueName(uri)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"65536, 65536", "64KB, 65536", "64kb, 65536", "1MB, 1048576", "' 2048 ', 2048"})
    void readsASizeInBytesKilobytesOrMegabytes(String text, long bytes) {
        assertThat(Settings.bytes("superoffice.max-answer-size", text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "64 KB", "64K", "1GB", "1.5MB", "", "4096MB", "99999999999"})
    void refusesAnyOtherSizeNamingTheProperty(String text) {
        assertThatThrownBy(() -> Settings.bytes("superoffice.max-answer-size", text))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("superoffice.max-answer-size")
                .hasMessageContaining("SUPEROFFICE_MAX_ANSWER_SIZE");
    }
}
