package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * superoffice.max-calls-per-second: four consumers with twelve keys and a server that answers at once would call twelve
 * times within milliseconds; at two calls per second the calls take seconds, and past Camel's start-up burst (its
 * Throttle let 3 × the rate through in the first half second) a call never starts within a second of the one two
 * before it.
 */
class CallRateLimitTest extends ReporterTestSupport {
    private static final int RATE = 2;
    private static final List<String> KEYS =
            IntStream.range(0, 12).mapToObj(i -> TestSecrets.sessionKey("rate" + i)).toList();

    @Override
    protected Properties extraProperties() {
        KEYS.forEach(key -> SIMULATOR.addSession(key, 500));
        Properties properties = new Properties();
        properties.setProperty("superoffice.max-calls-per-second", Integer.toString(RATE));
        // more consumers than the rate: without it, all keys would be called at once
        properties.setProperty("reporter.queue.concurrent-consumers", "4");
        return properties;
    }

    @Test
    void noMoreCallsStartInASecondThanTheRate() {
        KEYS.forEach(key -> queue().sendText(key));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> KEYS.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) == 1));

        List<Instant> arrivals = SIMULATOR.requests().stream().map(ReceivedRequest::receivedAt).sorted().toList();
        assertThat(Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1)))
                .as("12 calls at 2 per second, 6 of them in the start-up burst").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        // each permit comes back a second after its call started; 100 ms spare for the way to the server
        for (int i = 4 * RATE; i < arrivals.size(); i++) {
            assertThat(Duration.between(arrivals.get(i - RATE), arrivals.get(i)))
                    .as("call %d against call %d", i, i - RATE).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }
}
