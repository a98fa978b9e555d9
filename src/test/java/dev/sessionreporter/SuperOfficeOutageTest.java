package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * SuperOffice down for longer than the retry budget, then back: every key is reported or dead-lettered as UNREACHABLE,
 * none vanishes, the consumer keeps running. A slow answer times out without holding up the other consumers.
 */
class SuperOfficeOutageTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // TIMEOUT within the test's wait instead of the shipped 10 s per attempt
        properties.setProperty("superoffice.receive-timeout", "500");
        // a few parallel consumers are enough to show that a slow key does not hold up the others
        properties.setProperty("reporter.queue.concurrent-consumers", "4");
        // the outage opens the circuit breaker: its shipped 30 s pause would only hold back the keys sent after the
        // outage (CircuitBreakerTest covers the pause itself)
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "1s");
        return properties;
    }

    @Test
    void everyKeyIsReportedOrDeadLetteredAsUnreachableAcrossAnOutage() throws Exception {
        List<String> keys = keys("out", 40);
        SIMULATOR.failAll(SimulatedFailure.dropConnection());

        keys.forEach(queue()::sendText);
        Thread.sleep(1_500); // longer than the whole retry budget (2 retries, 20 ms + 40 ms back-off)
        SIMULATOR.clearFailures();

        List<String> afterOutage = keys("back", 10);
        afterOutage.forEach(queue()::sendText);

        Map<String, String> deadLettered = drainDeadLettersUntilAllAccountedFor(keys);
        assertThat(deadLettered.values()).containsOnly("UNREACHABLE");
        assertThat(deadLettered).as("the outage outlasted the retries of some keys").isNotEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> afterOutage.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) == 1));
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void slowAnswerTimesOutWithoutBlockingOtherConsumers() throws Exception {
        String slow = TestSecrets.sessionKey("slow");
        SIMULATOR.addSession(slow, 1);
        SIMULATOR.failFor(slow, SimulatedFailure.delay(Duration.ofSeconds(5)));
        List<String> healthy = keys("fast", 30);

        queue().sendText(slow);
        healthy.forEach(queue()::sendText);

        // all healthy keys are reported while the slow one is still in its timeouts and retries (3 x 500 ms)
        await().atMost(Duration.ofSeconds(10))
                .until(() -> healthy.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) == 1));
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 10_000);
        assertThat(deadLetter).isNotNull();
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(slow);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("TIMEOUT");
        assertThat(deadLetter.getJMSTimestamp()).isPositive();
    }

    private static List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = TestSecrets.sessionKey(prefix + (char) ('a' + i % 26));
            SIMULATOR.addSession(key, 2000 + i);
            keys.add(key);
        }
        return keys;
    }

    private Map<String, String> drainDeadLettersUntilAllAccountedFor(List<String> keys) {
        Map<String, String> deadLettered = new HashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message message = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 100);
            if (message != null) {
                deadLettered.put(((TextMessage) message).getText(),
                        message.getStringProperty(ReporterHeaders.FAILURE_REASON));
            }
            return keys.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) >= 1 || deadLettered.containsKey(key));
        });
        return deadLettered;
    }
}
