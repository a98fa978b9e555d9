package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.QueueDeliveries;
import dev.sessionreporter.support.QueueDeliveries.Delivery;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * When the dead-letter endpoint refuses a message, the queue message is rolled back, not acknowledged, and the refusal
 * is counted (sessionreporter.dead.letter.failures), not as a dead letter.
 */
class DeadLetterFailureTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // nothing consumes this endpoint: every send to it fails
        properties.setProperty("reporter.dead-letter.uri", "direct:unavailable-dead-letter-endpoint?block=false");
        // one consumer: the messages sent after a failing one wait in that consumer's buffer (broker.consumer-window-size)
        properties.setProperty("reporter.queue.concurrent-consumers", "1");
        return properties;
    }

    @Test
    void keepsMessageOnQueueWhenDeadLetterSendFails() throws Exception {
        String key = TestSecrets.sessionKey("keep");
        MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        double failuresBefore = metrics.get(ReporterMetrics.DEAD_LETTER_FAILURES).counter().count();
        try (CapturedLog log = CapturedLog.attach()) {
            queue().sendText(key);

            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream()
                    .anyMatch(line -> line.contains("Could not dead-letter session keep…")));
            context.getRouteController().stopRoute("session-reporter-queue-trigger");
            assertThat(metrics.get(ReporterMetrics.DEAD_LETTER_FAILURES).counter().count() - failuresBefore)
                    .as("dead-letter failures counted").isGreaterThanOrEqualTo(1);
            assertThat(metrics.find(ReporterMetrics.REPORTS).tag("outcome", "dead_lettered").counters())
                    .as("a refused dead letter is not counted as dead-lettered").isEmpty();

            // rolled back: the broker redelivers it after its redelivery delay, so it shows up again on the queue
            await().atMost(Duration.ofSeconds(10)).until(() -> !queue().browse(QueueClient.INPUT_QUEUE).isEmpty());
            List<Message> onQueue = queue().browse(QueueClient.INPUT_QUEUE);
            assertThat(onQueue).hasSize(1);
            assertThat(((TextMessage) onQueue.get(0)).getText()).isEqualTo(key);
            assertThat(log.text()).contains("reason=SESSION_NOT_FOUND", "rolled back");
        } finally {
            queue().drain(QueueClient.INPUT_QUEUE);
        }
    }

    /**
     * The consumer holds the next messages in its buffer while it reports one. When that one is rolled back, the
     * buffered ones go back to the broker too: each must still be reported exactly once, and its first delivery to the
     * route must count as its first attempt (a buffered message counted as attempted would reach the broker's
     * max-delivery-attempts early and be parked without ever being reported).
     */
    @Test
    void messagesBufferedBehindARolledBackOneAreReportedOnceAsFirstAttempts() throws Exception {
        String failing = TestSecrets.sessionKey("rollback");
        List<String> reportable = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = TestSecrets.sessionKey("buffered" + i);
            SIMULATOR.addSession(key, 900 + i);
            reportable.add(key);
        }
        QueueDeliveries deliveries = QueueDeliveries.attachTo(context);
        try {
            context.getRouteController().startRoute("session-reporter-queue-trigger"); // the other test stops it
            // sent while the consumer is suspended, so that all of them are on the queue when it asks for messages
            context.getRouteController().suspendRoute("session-reporter-queue-trigger");
            String failingId = queue().sendText(failing);
            List<String> reportableIds = reportable.stream().map(queue()::sendText).toList();
            context.getRouteController().resumeRoute("session-reporter-queue-trigger");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(deliveries.of(failingId)).as("the failing message, rolled back and delivered again")
                        .hasSizeGreaterThanOrEqualTo(2);
                for (String id : reportableIds) {
                    assertThat(deliveries.of(id)).as("deliveries of %s", id)
                            .extracting(Delivery::outcome).containsExactly("completed");
                }
            });
            assertThat(deliveries.of(failingId).get(1).deliveryCount()).isGreaterThanOrEqualTo(2);
            for (String id : reportableIds) {
                Delivery delivery = deliveries.of(id).get(0);
                assertThat(delivery.deliveryCount()).as("delivery count of %s", id).isEqualTo(1);
                assertThat(delivery.redelivered()).isFalse();
            }
            assertThat(SIMULATOR.requests()).extracting(ReceivedRequest::sessionKey)
                    .filteredOn(reportable::contains).containsExactlyInAnyOrderElementsOf(reportable);
        } finally {
            context.getRouteController().stopRoute("session-reporter-queue-trigger");
            deliveries.detachFrom(context);
            // the failing message may be waiting out the broker's redelivery delay, invisible to a drain: take it
            await().atMost(Duration.ofSeconds(70)).until(() -> queue().receive(QueueClient.INPUT_QUEUE, 1000)
                    instanceof TextMessage text && text.getText().equals(failing));
            context.getRouteController().startRoute("session-reporter-queue-trigger");
        }
    }
}
