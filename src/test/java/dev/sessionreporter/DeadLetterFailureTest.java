package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.TextMessage;
import java.time.Duration;
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
            context.getRouteController().stopRoute("queue-trigger");
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
}
