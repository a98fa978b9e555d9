package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.broker.EmbeddedBroker;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * When SuperOffice fails persistently the circuit opens: calls stop, queue consumption pauses and the keys stay queued
 * instead of being dead-lettered; a successful probe closes it and every key is then reported.
 */
class CircuitBreakerTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // opens after 4 calls and probes after 1 s, so that the 30 keys mostly stay queued (shipped numbers:
        // ShippedSettingsTest)
        properties.setProperty("reporter.circuit-breaker.minimum-number-of-calls", "4");
        properties.setProperty("reporter.circuit-breaker.sliding-window-size", "4");
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "1s");
        // 2 consumers: few keys are in flight when it opens, the test counts the ones dead-lettered meanwhile
        properties.setProperty("reporter.queue.concurrent-consumers", "2");
        return properties;
    }

    @Test
    void opensOnPersistentFailurePausesConsumptionAndRecoversWhenProbeSucceeds() throws Exception {
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker", CircuitBreaker.class);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = TestSecrets.sessionKey("cb" + (i < 10 ? "0" : "") + i);
            SIMULATOR.addSession(key, 500 + i);
            keys.add(key);
        }
        SIMULATOR.failAll(SimulatedFailure.httpStatus(503));

        keys.forEach(queue()::sendText);

        await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() != CircuitBreaker.State.CLOSED);
        await().atMost(Duration.ofSeconds(10)).until(
                () -> context.getRouteController().getRouteStatus("session-reporter-queue-trigger") == ServiceStatus.Suspended);
        // stop hammering: far fewer calls than 30 keys x 3 attempts
        int callsWhileFailing = SIMULATOR.requestCount();
        assertThat(callsWhileFailing).isLessThan(20);
        // most keys are still on the broker (on the queue or in a paused consumer's buffer, unacknowledged), not burnt
        // into the dead-letter queue
        EmbeddedBroker broker = context.hasService(EmbeddedBroker.class);
        assertThat(broker.messageCount(QueueClient.INPUT_QUEUE)).isGreaterThan(15);
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).hasSizeLessThanOrEqualTo(4);

        SIMULATOR.clearFailures();

        await().atMost(Duration.ofSeconds(20)).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
        await().atMost(Duration.ofSeconds(20)).until(
                () -> context.getRouteController().getRouteStatus("session-reporter-queue-trigger") == ServiceStatus.Started);
        Set<String> deadLettered = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message message = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 100);
            if (message != null) {
                deadLettered.add(((TextMessage) message).getText());
            }
            return keys.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) >= 1 || deadLettered.contains(key));
        });
        assertThat(deadLettered.size()).as("only keys already in their retries when the circuit opened")
                .isLessThanOrEqualTo(4);
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }
}
