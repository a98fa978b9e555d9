package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import dev.sessionreporter.operate.ReporterMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * While the circuit is open the timer skips its keys (no calls, no dead letters; counted as
 * sessionreporter.timer.keys.skipped) and resumes when it closes.
 */
class CircuitBreakerTimerTest extends ReporterTestSupport {
    private static final String KEY = TestSecrets.sessionKey("tick");

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(KEY, 9);
        SIMULATOR.failAll(SimulatedFailure.httpStatus(503));
        Properties properties = new Properties();
        // the timer is the subject: its key every 100 ms, so that ticks fall into the open state
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "100");
        properties.setProperty("reporter.timer.initial-delay", "100");
        properties.setProperty("reporter.timer.session-keys", KEY);
        // timer keys only: the queue's pause is CircuitBreakerTest's subject
        properties.setProperty("reporter.queue.enabled", "false");
        // opens after 3 failing calls and stays open 2 s, within a few ticks (shipped numbers: ShippedSettingsTest)
        properties.setProperty("reporter.circuit-breaker.minimum-number-of-calls", "3");
        properties.setProperty("reporter.circuit-breaker.sliding-window-size", "3");
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "2s");
        return properties;
    }

    @Test
    void skipsTimerKeysWhileOpenAndReportsThemAfterItCloses() throws Exception {
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker", CircuitBreaker.class);
        SIMULATOR.failAll(SimulatedFailure.httpStatus(503));
        await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);

        int callsWhenOpened = SIMULATOR.requestsFor(KEY).size();
        double skippedWhenOpened = skipped();
        // ticks every 100 ms fall into the 2 s open state: wait for three of them, however slowly the timer runs
        await().atMost(Duration.ofSeconds(10)).until(() -> skipped() - skippedWhenOpened >= 3);
        assertThat(SIMULATOR.requestsFor(KEY).size()).as("no calls while open").isLessThanOrEqualTo(callsWhenOpened + 1);
        assertThat(skipped() - skippedWhenOpened).as("timer keys counted as skipped while open").isGreaterThanOrEqualTo(3);
        assertThat(context.getRouteController().getRouteStatus("session-reporter-timer-trigger")).isEqualTo(ServiceStatus.Started);

        SIMULATOR.clearFailures();
        await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> SIMULATOR.acceptedReportCount(KEY) >= 1);
        double skippedWhenClosed = skipped();
        await().atMost(Duration.ofSeconds(5)).until(() -> SIMULATOR.acceptedReportCount(KEY) >= 4);
        assertThat(skipped()).as("no key skipped while closed").isEqualTo(skippedWhenClosed);
    }

    private double skipped() {
        return context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class)
                .get(ReporterMetrics.TIMER_KEYS_SKIPPED).counter().count();
    }
}
