package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * reporter.timer.target=queue: the timer leader puts each key on the input queue — persistent, marked as a timer key,
 * expiring after one period — and the queue consumers report it on every tick, although the duplicate window (60 s)
 * is far longer than the period: timer keys are exempt from duplicate suppression. While the circuit breaker is open no
 * key is queued (counted as skipped).
 */
class TimerToQueueTest extends ReporterTestSupport {
    private static final String KEY = TestSecrets.sessionKey("tq");
    private static final String UNKNOWN = TestSecrets.sessionKey("tqu");
    private static final long PERIOD_MILLIS = 400;

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(KEY, 4711);
        Properties properties = new Properties();
        // timer target queue is the subject: short ticks with its own keys
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.target", "queue");
        // required with target queue: the secret the timer signs its keys with
        properties.setProperty("reporter.timer.queue-secret", TestSecrets.TIMER_QUEUE_SECRET);
        properties.setProperty("reporter.timer.period", Long.toString(PERIOD_MILLIS));
        properties.setProperty("reporter.timer.initial-delay", "100");
        properties.setProperty("reporter.timer.session-keys", KEY + "," + UNKNOWN);
        return properties;
    }

    @Test
    void reportsTimerKeysThroughTheQueueOnEveryTickWithoutDuplicateSuppression() {
        MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        double suppressedBefore = metrics.get(ReporterMetrics.SUPPRESSED_DUPLICATES).functionCounter().count();
        int reportedBefore = SIMULATOR.acceptedReportCount(KEY);
        await().atMost(Duration.ofSeconds(20)).until(() -> SIMULATOR.acceptedReportCount(KEY) >= reportedBefore + 4);
        assertThat(metrics.get(ReporterMetrics.SUPPRESSED_DUPLICATES).functionCounter().count())
                .as("timer keys are not duplicates").isEqualTo(suppressedBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue().browse(QueueClient.DEAD_LETTER_QUEUE).size() >= 2);
        Message deadLetter = queue().browse(QueueClient.DEAD_LETTER_QUEUE).get(0);
        assertThat(QueueClient.property(ReporterHeaders.FAILURE_REASON, String.class).apply(deadLetter))
                .isEqualTo("SESSION_NOT_FOUND");
        assertThat(QueueClient.property(ReporterHeaders.ROUTE_ID, String.class).apply(deadLetter))
                .as("reported by a queue consumer").isEqualTo("session-reporter-queue-trigger");
        assertThat(metrics.get(ReporterMetrics.TIMER_LEADER).gauge().value()).as("the only instance leads").isEqualTo(1);
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @Test
    void timerKeysOnTheQueueArePersistentMarkedAndExpireAfterOnePeriod() throws Exception {
        context.getRouteController().stopRoute("session-reporter-queue-trigger");
        try {
            // the browse that saw the message is the one to inspect: a second one may come after it expired (400 ms)
            List<Message> waiting = await().atMost(Duration.ofSeconds(10))
                    .until(() -> queue().browse(QueueClient.INPUT_QUEUE), browsed -> !browsed.isEmpty());
            Message message = waiting.get(0);
            assertThat(((TextMessage) message).getText()).isIn(KEY, UNKNOWN);
            assertThat(message.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(message.getStringProperty(ReporterHeaders.TIMER_KEY)).as("a signed mark, not a flag anyone can set")
                    .isNotBlank().isNotEqualToIgnoringCase("true");
            assertThat(message.getJMSExpiration() - message.getJMSTimestamp()).as("time to live = one period")
                    .isEqualTo(PERIOD_MILLIS);
        } finally {
            queue().drain(QueueClient.INPUT_QUEUE);
            context.getRouteController().startRoute("session-reporter-queue-trigger");
        }
    }

    /**
     * The mark is bound to its key: a sender who copies a timer message's mark onto another key gets no exemption from
     * duplicate suppression (that key, queued three times, is reported once).
     */
    @Test
    void aTimerKeyMarkCopiedOntoAnotherKeyIsNotTrusted() throws Exception {
        String mark;
        context.getRouteController().stopRoute("session-reporter-queue-trigger");
        try {
            Message timerMessage = await().atMost(Duration.ofSeconds(10))
                    .until(() -> queue().browse(QueueClient.INPUT_QUEUE), browsed -> !browsed.isEmpty()).get(0);
            mark = timerMessage.getStringProperty(ReporterHeaders.TIMER_KEY);
        } finally {
            queue().drain(QueueClient.INPUT_QUEUE);
            context.getRouteController().startRoute("session-reporter-queue-trigger");
        }
        String other = TestSecrets.sessionKey("copy");
        SIMULATOR.addSession(other, 815);
        MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        double suppressedBefore = metrics.get(ReporterMetrics.SUPPRESSED_DUPLICATES).functionCounter().count();

        for (int i = 0; i < 3; i++) {
            queue().send(QueueClient.INPUT_QUEUE, session -> {
                TextMessage message = session.createTextMessage(other);
                message.setStringProperty(ReporterHeaders.TIMER_KEY, mark);
                return message;
            });
        }

        await().atMost(Duration.ofSeconds(10)).until(() ->
                metrics.get(ReporterMetrics.SUPPRESSED_DUPLICATES).functionCounter().count() - suppressedBefore == 2);
        assertThat(SIMULATOR.requestsFor(other)).as("reported once, the copies suppressed as duplicates").hasSize(1);
        SIMULATOR.removeSession(other);
    }

    @Test
    void putsNoTimerKeyOnTheQueueWhileTheCircuitIsOpenAndCountsThemSkipped() throws Exception {
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker", CircuitBreaker.class);
        MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        context.getRouteController().stopRoute("session-reporter-queue-trigger");
        try {
            breaker.transitionToForcedOpenState();
            Thread.sleep(PERIOD_MILLIS); // a tick in progress may still send
            queue().drain(QueueClient.INPUT_QUEUE);
            double skippedBefore = metrics.get(ReporterMetrics.TIMER_KEYS_SKIPPED).counter().count();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> metrics.get(ReporterMetrics.TIMER_KEYS_SKIPPED).counter().count() >= skippedBefore + 4);
            assertThat(queue().browse(QueueClient.INPUT_QUEUE)).as("nothing queued while open").isEmpty();

            breaker.transitionToDisabledState();
            await().atMost(Duration.ofSeconds(10)).until(() -> !queue().browse(QueueClient.INPUT_QUEUE).isEmpty());
        } finally {
            breaker.transitionToDisabledState();
            queue().drain(QueueClient.INPUT_QUEUE);
            context.getRouteController().startRoute("session-reporter-queue-trigger");
        }
    }
}
