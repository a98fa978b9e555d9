package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same key arriving on the queue again within reporter.duplicates.window (2 s here) is reported once, the others
 * are acknowledged and counted as suppressed; after the window, or when the first report failed, it is reported again.
 * The timer is not subject to it.
 */
class DuplicateSuppressionTest extends ReporterTestSupport {
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final String TIMER_KEY = TestSecrets.sessionKey("tick");
    /** The test dead-letter route fails the next message once while set, as a broker outage would. */
    private static final AtomicBoolean FAIL_NEXT_DEAD_LETTER = new AtomicBoolean();

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(TIMER_KEY, 500);
        Properties properties = new Properties();
        // a window the test can wait out, instead of the shipped 60 s
        properties.setProperty("reporter.duplicates.window", WINDOW.toMillis() + "");
        // a dead-letter endpoint the test makes fail, to see a failed report forget its key
        properties.setProperty("reporter.dead-letter.uri", "direct:flaky-dead-letter");
        // timer reports must not make a queued key a duplicate: a tick every 300 ms with its own key
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "300");
        properties.setProperty("reporter.timer.initial-delay", "100");
        properties.setProperty("reporter.timer.session-keys", TIMER_KEY);
        return properties;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:flaky-dead-letter").routeId("test-flaky-dead-letter")
                        .process(exchange -> {
                            if (FAIL_NEXT_DEAD_LETTER.getAndSet(false)) {
                                throw new IllegalStateException("dead-letter queue unavailable (test)");
                            }
                        })
                        .to("session-reporter-jms:queue:" + QueueClient.DEAD_LETTER_QUEUE);
            }
        };
    }

    @BeforeEach
    void emptyDeadLetterQueue() {
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @Test
    void reportsKeyOnceAndCountsFourSuppressedWhenItArrivesFiveTimesWithinTheWindow() {
        String key = TestSecrets.sessionKey("dup5");
        SIMULATOR.addSession(key, 41);
        long suppressedBefore = duplicates().getSuppressedCount();

        try (CapturedLog log = CapturedLog.attach()) {
            for (int i = 0; i < 5; i++) {
                queue().sendText(i % 2 == 0 ? key : "{\"sessionKey\":\"" + key + "\"}");
            }

            // all five consumed: one reported, four suppressed
            await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1
                    && duplicates().getSuppressedCount() - suppressedBefore == 4);
            assertThat(SIMULATOR.requestsFor(key)).as("one request to the server").hasSize(1);
            assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1);
            assertThat(duplicates().getSuppressedCount() - suppressedBefore).isEqualTo(4);
            assertThat(log.lines()).filteredOn(line -> line.contains("suppressed as a duplicate"))
                    .hasSize(4)
                    .allMatch(line -> line.startsWith("INFO dev.sessionreporter.duplicates") && line.contains("dup5…"));
            assertThat(log.text()).doesNotContain(key);
        }
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).as("duplicates are acknowledged").isEmpty();
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).as("duplicates are not dead-lettered").isNull();
    }

    @Test
    void reportsKeyAgainOnceTheWindowHasPassed() {
        String key = TestSecrets.sessionKey("wind");
        SIMULATOR.addSession(key, 42);

        queue().sendText(key);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        await().pollDelay(WINDOW.plusMillis(200)).atMost(WINDOW.plusSeconds(1)).until(() -> true);
        queue().sendText(key);

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 2);
    }

    @Test
    void reportsNextArrivalWhenTheFirstReportWasDeadLettered() throws JMSException {
        String key = TestSecrets.sessionKey("503x");
        SIMULATOR.addSession(key, 43);
        SIMULATOR.failFor(key, SimulatedFailure.httpStatus(503));
        long suppressedBefore = duplicates().getSuppressedCount();

        queue().sendText(key);
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 10_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("HTTP_ERROR");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("retries exhausted").isEqualTo(3);
        SIMULATOR.clearFailures();

        queue().sendText(key);

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        assertThat(duplicates().getSuppressedCount()).isEqualTo(suppressedBefore);
    }

    @Test
    void reportsRedeliveryOfARolledBackMessageInsteadOfSuppressingIt() throws JMSException {
        String key = TestSecrets.sessionKey("roll");
        long suppressedBefore = duplicates().getSuppressedCount();
        FAIL_NEXT_DEAD_LETTER.set(true);

        // unknown session: SESSION_NOT_FOUND; the first dead-letter send fails, so the message is rolled back and the
        // broker redelivers it (after 1 s): the redelivery must be handled again, not acknowledged as a duplicate
        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).as("dead-lettered on the redelivery").isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
        assertThat(SIMULATOR.requestsFor(key)).as("called on the delivery and the redelivery").hasSize(2);
        assertThat(duplicates().getSuppressedCount()).isEqualTo(suppressedBefore);
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
    }

    @Test
    void timerReportsItsKeysEveryPeriodRegardlessOfTheWindow() {
        // the timer runs once this instance leads it (file lock, route policy start): from its first report on
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(TIMER_KEY) >= 1);
        int before = SIMULATOR.acceptedReportCount(TIMER_KEY);

        await().atMost(WINDOW.minusMillis(200)).until(() -> SIMULATOR.acceptedReportCount(TIMER_KEY) >= before + 3);
    }

    private QueueDuplicates duplicates() {
        return context.getRegistry().lookupByNameAndType("sessionReporterQueueDuplicates", QueueDuplicates.class);
    }
}
