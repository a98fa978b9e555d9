package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A tick reports reporter.timer.concurrency keys at the same time, never more, and in the end every key. */
class TimerConcurrencyTest extends ReporterTestSupport {
    private static final int CONCURRENCY = 3;
    private static final List<String> KEYS = new ArrayList<>();

    @Override
    protected Properties extraProperties() {
        for (int i = 0; i < CONCURRENCY + 1; i++) {
            String key = TestSecrets.sessionKey("par" + i);
            KEYS.add(key);
            SIMULATOR.addSession(key, 200 + i);
        }
        Properties properties = new Properties();
        // one tick (2 s after start, when the answers are held back) with one key more than the concurrency
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "1h");
        properties.setProperty("reporter.timer.initial-delay", "2s");
        properties.setProperty("reporter.timer.session-keys", String.join(",", KEYS));
        properties.setProperty("reporter.timer.concurrency", Integer.toString(CONCURRENCY));
        // timer calls only
        properties.setProperty("reporter.queue.enabled", "false");
        return properties;
    }

    @Test
    void reportsTheConfiguredNumberOfKeysAtATimeUntilAllAreReported() {
        // The server holds the answers for 8 s: the first calls of the tick pile up at the simulator. Reported one
        // after another, the second call would only come after the first answer.
        SIMULATOR.failAll(SimulatedFailure.delay(Duration.ofSeconds(8)));

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.requestCount() >= 1);
        await().atMost(Duration.ofSeconds(4)).until(() -> SIMULATOR.requestCount() >= CONCURRENCY);
        // ... and no more than reporter.timer.concurrency while those are unanswered
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofMillis(2_000))
                .until(() -> SIMULATOR.requestCount() == CONCURRENCY);
        SIMULATOR.clearFailures(); // the rest is answered at once

        await().atMost(Duration.ofSeconds(20))
                .until(() -> KEYS.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) == 1));
        assertThat(SIMULATOR.requestCount()).as("one call per key").isEqualTo(KEYS.size());
    }
}
