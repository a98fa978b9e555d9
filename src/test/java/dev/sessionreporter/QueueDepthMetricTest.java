package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The depth of the embedded broker's input and dead-letter queues on /observe/metrics: it rises while nobody
 * consumes and falls back to zero once the session-reporter-queue-trigger route has taken the keys; an unknown key shows up on the
 * dead-letter queue's gauge.
 */
class QueueDepthMetricTest extends ReporterTestSupport {
    private static final int MANAGEMENT_PORT = FreePort.find();
    private static final ManagementClient MANAGEMENT = new ManagementClient(MANAGEMENT_PORT);
    private static final String DEPTH = "sessionreporter_queue_depth";
    private static final String INPUT = "queue=\"" + QueueClient.INPUT_QUEUE + "\"";
    private static final String DEAD_LETTERS = "queue=\"" + QueueClient.DEAD_LETTER_QUEUE + "\"";

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the metrics endpoint is the subject, on a free port
        properties.setProperty("reporter.management.enabled", "true");
        properties.setProperty("reporter.management.port", Integer.toString(MANAGEMENT_PORT));
        return properties;
    }

    @Test
    void queueDepthRisesWhileNobodyConsumesAndFallsToZeroOnceReported() throws Exception {
        String scrape = MANAGEMENT.get("/observe/metrics").body();
        assertThat(scrape).contains(DEPTH + "{" + INPUT).contains(DEPTH + "{" + DEAD_LETTERS);
        double deadLettersBefore = MANAGEMENT.metric(DEPTH, DEAD_LETTERS);

        context.getRouteController().stopRoute("session-reporter-queue-trigger");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String key = TestSecrets.sessionKey("depth" + i);
            SIMULATOR.addSession(key, 900 + i);
            keys.add(key);
            queue().sendText(key);
        }
        queue().sendText(TestSecrets.sessionKey("depth-unknown"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(MANAGEMENT.metric(DEPTH, INPUT)).isEqualTo(5));

        context.getRouteController().startRoute("session-reporter-queue-trigger");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(keys).allSatisfy(key -> assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1));
            assertThat(MANAGEMENT.metric(DEPTH, INPUT)).isZero();
            assertThat(MANAGEMENT.metric(DEPTH, DEAD_LETTERS) - deadLettersBefore).isEqualTo(1);
        });
    }
}
