package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A typo in the host of superoffice.url: with the shipped retry settings every call fails, is retried, and the key is
 * dead-lettered naming the host, so that the operator sees the typo. The name is under {@code .invalid} (RFC 6761), and
 * the test JVM resolves names from src/test/resources/loopback-hosts only (pom: jdk.net.hosts.file): no DNS query and
 * no connection leaves this machine.
 */
class MistypedHostTest extends ReporterTestSupport {
    private static final String MISTYPED_HOST = "online.superofice.invalid";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = super.useOverridePropertiesWithPropertiesComponent();
        // the shipped number of retries, and delays written as text as the shipped ones are (text once broke the error
        // handler before anything was logged); the shipped 1 s doubling would only add 7 s of waiting
        // (ShippedRetrySettingsTest runs the shipped delays)
        properties.keySet().removeIf(name -> name.toString().startsWith("reporter.retry."));
        properties.setProperty("reporter.retry.redelivery-delay", "20ms");
        properties.setProperty("reporter.retry.maximum-redelivery-delay", "100ms");
        return properties;
    }

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the subject: a host name with a typo
        properties.setProperty("superoffice.url",
                "https://" + MISTYPED_HOST + "/Cust00000/Remote/Services88/CustomerService.svc");
        return properties;
    }

    @Test
    void retriesAndDeadLetterNameTheMistypedHost() throws Exception {
        String key = TestSecrets.sessionKey("typo");
        try (CapturedLog log = CapturedLog.attach()) {
            queue().sendText(key);

            Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 30_000);

            assertThat(deadLetter).isNotNull();
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains(MISTYPED_HOST);
            assertThat(log.lines()).anyMatch(line -> line.contains("dead-lettered") && line.contains(MISTYPED_HOST));
            assertThat(log.lines()).as("each retry names the host")
                    .anyMatch(line -> line.contains("retry 1 of 3") && line.contains(MISTYPED_HOST))
                    .anyMatch(line -> line.contains("retry 3 of 3") && line.contains(MISTYPED_HOST));
        }
    }
}
