package dev.sessionreporter.operate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The start-up banner: a few lines with what runs where, every address shown without its secrets. */
class StartupBannerTest extends ReporterTestSupport {
    private static final String KEY = TestSecrets.sessionKey("banner");

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the timer on, with a key that must not show (only its count)
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.session-keys", KEY + ", ");
        properties.setProperty("reporter.timer.period", "1h");
        return properties;
    }

    @Test
    void saysWhatRunsWhereInAtMostTwentyLinesWithoutSecrets() {
        List<String> lines = StartupBanner.lines(context());
        String banner = String.join("\n", lines);

        assertThat(lines).hasSizeLessThanOrEqualTo(20);
        assertThat(lines.get(0)).startsWith("Session reporter started (profile ");
        assertThat(banner).contains(
                "SuperOffice  " + SIMULATOR.customerServiceUrl() + ", auth mode ticket",
                "timer        every 1h, 1 key(s), 100 at a time, target report; runs on the leader of session-reporter-timer",
                "queue        session-reporter-jms:queue:superoffice.session-active, 32 consumers, duplicates window 60s",
                "results      log:dev.sessionreporter.result?plain=true",
                "dead letters session-reporter-jms:queue:superoffice.session-active.DLQ",
                "broker       embedded, tcp://127.0.0.1:" + brokerPort + " (no login)",
                "management   off",
                "calls        at most 100 in flight, connect timeout 5s, answer within 10s, 2 retries");
        assertThat(banner).doesNotContain(KEY, TestSecrets.TICKET, TestSecrets.APPLICATION_TOKEN);
    }

    @Test
    void isLoggedOnceWhenCamelSaysTheContextHasFullyStarted() throws Exception {
        StartupBanner banner = new StartupBanner();
        try (CapturedLog log = CapturedLog.attach()) {
            // as Camel calls it once every route has started: the context counts as started by then
            banner.onCamelContextFullyStarted(context(), true);
            banner.onCamelContextFullyStarted(context(), true);

            assertThat(log.lines()).filteredOn(line -> line.startsWith("INFO " + StartupBanner.LOGGER + " - "))
                    .singleElement().satisfies(line -> assertThat(line.lines()).hasSizeBetween(5, 20));
        }
    }

    @Test
    void masksUserInfoAndPasswordLikeParametersOfAnAddress() {
        assertThat(StartupBanner.address("https://operator:s3cret@crm.example.com/SuperOffice/Remote/Services88/"
                + "CustomerService.svc")).doesNotContain("s3cret").contains("crm.example.com");
        assertThat(StartupBanner.address("jms:queue:out?password=s3cret&accessToken=t0ken&concurrentConsumers=2"))
                .doesNotContain("s3cret", "t0ken").contains("concurrentConsumers=2");
        assertThat(StartupBanner.address("tcp://broker.example.com:61616?user=app&password=s3cret"))
                .doesNotContain("s3cret");
    }
}
