package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * superoffice.max-calls-in-flight caps the calls toward SuperOffice for the whole instance: the timer's threads and the
 * queue's consumers together could have 8 calls open, the server never sees more than the cap at once, and every key
 * is still reported.
 */
class CallsInFlightCapTest extends ReporterTestSupport {
    private static final int CAP = 3;
    private static final int TIMER_THREADS = 4;
    private static final int QUEUE_CONSUMERS = 4;
    private static final List<String> TIMER_KEYS = new ArrayList<>();
    private static final List<String> QUEUE_KEYS = new ArrayList<>();
    private static Path timerKeysFile;

    @Override
    protected Properties extraProperties() {
        for (int i = 0; i < 2 * TIMER_THREADS; i++) {
            TIMER_KEYS.add(TestSecrets.sessionKey("captimer" + i));
            QUEUE_KEYS.add(TestSecrets.sessionKey("capqueue" + i));
        }
        TIMER_KEYS.forEach(key -> SIMULATOR.addSession(key, 300));
        QUEUE_KEYS.forEach(key -> SIMULATOR.addSession(key, 301));
        try {
            timerKeysFile = Files.createTempFile("cap-timer-keys", ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties properties = new Properties();
        // a cap below what either trigger alone could have open, so that the cap is what limits
        properties.setProperty("superoffice.max-calls-in-flight", Integer.toString(CAP));
        properties.setProperty("reporter.timer.concurrency", Integer.toString(TIMER_THREADS));
        properties.setProperty("reporter.queue.concurrent-consumers", Integer.toString(QUEUE_CONSUMERS));
        // ticks every second from a keys file that stays empty until the queue's keys wait for the same calls
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "1s");
        properties.setProperty("reporter.timer.session-keys-file", timerKeysFile.toString());
        return properties;
    }

    @Test
    void neverMoreCallsInFlightThanTheCapWhileTimerAndQueueBothHaveKeys() throws IOException {
        // every answer takes 1 s: the queue's keys alone keep the calls busy for 3 s, the next tick comes within 1 s
        SIMULATOR.failAll(SimulatedFailure.delay(Duration.ofSeconds(1)));
        QUEUE_KEYS.forEach(key -> queue().sendText(key));
        Files.write(timerKeysFile, TIMER_KEYS);

        List<String> all = new ArrayList<>(TIMER_KEYS);
        all.addAll(QUEUE_KEYS);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> all.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) >= 1));

        assertThat(SIMULATOR.mostConcurrentRequests()).as("calls in flight at most, with 8 callers").isEqualTo(CAP);
        // both triggers called while the other still had keys to report: the cap was shared, not one per trigger
        List<String> order = SIMULATOR.requests().stream().map(ReceivedRequest::sessionKey).toList();
        assertThat(firstIndexOfAny(order, TIMER_KEYS)).isLessThan(lastIndexOfAny(order, QUEUE_KEYS));
        assertThat(firstIndexOfAny(order, QUEUE_KEYS)).isLessThan(lastIndexOfAny(order, TIMER_KEYS));
    }

    private static int firstIndexOfAny(List<String> order, List<String> keys) {
        return keys.stream().mapToInt(order::indexOf).min().orElseThrow();
    }

    private static int lastIndexOfAny(List<String> order, List<String> keys) {
        return keys.stream().mapToInt(order::lastIndexOf).max().orElseThrow();
    }
}
