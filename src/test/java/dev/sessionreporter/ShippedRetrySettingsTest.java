package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Retries with the retry settings exactly as application.properties ships them (3 retries, 1s doubling up to 30s):
 * durations written as text ({@code 1s}, {@code 30s}) once made the error handler itself fail at the first transient
 * failure, so nothing was retried and queue keys ended in the broker's own DLQ without a reason.
 */
class ShippedRetrySettingsTest extends ReporterTestSupport {
    /** The broker's own dead-letter address: only for messages the reporter could not even dead-letter. */
    private static final String BROKER_DLQ = "DLQ";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = super.useOverridePropertiesWithPropertiesComponent();
        // the subject of this test: the retry settings as shipped, not the test support's short ones
        properties.keySet().removeIf(name -> name.toString().startsWith("reporter.retry."));
        return properties;
    }

    @Test
    void queuedKeyFailingWith503IsRetriedAndThenReported() {
        String key = TestSecrets.sessionKey("retry503");
        SIMULATOR.addSession(key, 3001);
        SIMULATOR.failFor(key, SimulatedFailure.failTimes(2, SimulatedFailure.httpStatus(503)));
        double redeliveriesBefore = redeliveries();

        queue().sendText(key);

        await().atMost(Duration.ofSeconds(30)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        assertThat(SIMULATOR.requestsFor(key)).as("two 503 answers, then the successful retry").hasSize(3);
        assertThat(redeliveries() - redeliveriesBefore).as("retried by the reporter, not redelivered by the broker")
                .isEqualTo(2);
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).isEmpty();
        assertThat(queue().browse(BROKER_DLQ)).isEmpty();
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }

    @Test
    void queuedKeyFailingWith503ForeverIsDeadLetteredWithItsReasonAfterTheShippedAttempts() throws Exception {
        String key = TestSecrets.sessionKey("never503");
        SIMULATOR.addSession(key, 3002);
        SIMULATOR.failFor(key, SimulatedFailure.httpStatus(503));

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 30_000);
        assertThat(deadLetter).as("dead-lettered in " + QueueClient.DEAD_LETTER_QUEUE).isNotNull();
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(key);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("HTTP_ERROR");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("503");
        // reporter.retry.maximum-redeliveries = 3 as shipped: the first call and three retries
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(4);
        assertThat(SIMULATOR.requestsFor(key)).hasSize(4);
        assertThat(queue().browse(BROKER_DLQ)).isEmpty();
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }

    /** A timer key takes the same path without a JMS transaction: retried like a queued one. */
    @Test
    void timerKeyFailingWith503IsRetriedAndThenReported() {
        String key = TestSecrets.sessionKey("timer503");
        SIMULATOR.addSession(key, 3003);
        SIMULATOR.failFor(key, SimulatedFailure.failTimes(1, SimulatedFailure.httpStatus(503)));

        template.sendBody("direct:timer-key", key);

        assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1);
        assertThat(SIMULATOR.requestsFor(key)).hasSize(2);
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).isEmpty();
    }

    private double redeliveries() {
        return context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class)
                .get(ReporterMetrics.REDELIVERIES).counter().count();
    }
}
