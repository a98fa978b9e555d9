package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.operate.TimerTicks;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

/**
 * A tick that takes longer than the period is not silent: a WARN says by how much and how many keys it had, the
 * metrics show each tick's duration and keys, and the readiness details show that the timer is behind. The next tick
 * waits for the late one.
 */
class TimerFallingBehindTest extends ReporterTestSupport {
    private static final List<String> KEYS =
            List.of(TestSecrets.sessionKey("behind1"), TestSecrets.sessionKey("behind2"), TestSecrets.sessionKey("behind3"));

    @Override
    protected Properties extraProperties() {
        KEYS.forEach(key -> SIMULATOR.addSession(key, 400));
        Properties properties = new Properties();
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.session-keys", String.join(",", KEYS));
        // a short period that a tick of answers held back for 1.5 s cannot fit in
        properties.setProperty("reporter.timer.period", "500ms");
        // the first tick once the test has held the answers back
        properties.setProperty("reporter.timer.initial-delay", "1s");
        // timer calls only
        properties.setProperty("reporter.queue.enabled", "false");
        return properties;
    }

    @Test
    void aTickLongerThanThePeriodIsLoggedCountedAndShownInTheHealthDetails() {
        SIMULATOR.failAll(SimulatedFailure.delay(Duration.ofMillis(1_500)));
        try (CapturedLog log = CapturedLog.attach()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> log.lines().stream()
                    .anyMatch(line -> line.startsWith("WARN dev.sessionreporter.timer - Timer tick took")));
            String warn = log.lines().stream().filter(line -> line.startsWith("WARN dev.sessionreporter.timer")).findFirst()
                    .orElseThrow();
            assertThat(warn).contains("for 3 keys", "longer than reporter.timer.period (0.5 s)",
                    "Raise reporter.timer.concurrency and superoffice.max-calls-in-flight");
            assertThat(warn).doesNotContain(KEYS.get(0));
        }
        // the next tick waits for the late one to end: ticks never overlap, a key is never called twice at once
        assertThat(SIMULATOR.mostConcurrentRequests()).isLessThanOrEqualTo(KEYS.size());

        MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        assertThat(metrics.get(TimerTicks.TICK_DURATION).timer().count()).isPositive();
        assertThat(metrics.get(TimerTicks.TICK_DURATION).timer().max(java.util.concurrent.TimeUnit.MILLISECONDS))
                .as("the tick waited for the held-back answers").isGreaterThanOrEqualTo(1_500);
        assertThat(metrics.get(TimerTicks.TICK_KEYS).summary().max()).isEqualTo(3);
        assertThat(metrics.get(TimerTicks.TICK_OVERRUN).gauge().value()).isPositive();

        HealthCheck.Result ticks = context.getRegistry()
                .lookupByNameAndType("sessionReporterTimerTicksCheck", HealthCheck.class).call();
        Map<String, Object> details = ticks.getDetails();
        assertThat(ticks.getState()).as("behind, but every key is still reported").isEqualTo(HealthCheck.State.UP);
        assertThat(details).containsEntry("timer.behind", true).containsEntry("timer.last-tick.keys", 3);
        assertThat((Long) details.get("timer.behind.millis")).isPositive();
    }
}
