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
 * The embedded broker publishes the depth of the input queue on /observe/metrics (Artemis's own queue metrics): it
 * rises while nobody consumes and falls back to zero once the queue-trigger route has reported the keys.
 */
class QueueDepthMetricTest extends ReporterTestSupport {
    private static final int MANAGEMENT_PORT = FreePort.find();
    private static final ManagementClient MANAGEMENT = new ManagementClient(MANAGEMENT_PORT);
    private static final String INPUT_DEPTH = "artemis_message_count";
    private static final String INPUT_QUEUE = "queue=\"" + QueueClient.INPUT_QUEUE + "\"";

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        properties.setProperty("reporter.management.enabled", "true");
        properties.setProperty("reporter.management.port", Integer.toString(MANAGEMENT_PORT));
        properties.setProperty("reporter.timer.enabled", "false");
        return properties;
    }

    @Test
    void inputQueueDepthRisesWhileNobodyConsumesAndFallsToZeroWhenReported() throws Exception {
        context.getRouteController().stopRoute("queue-trigger");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String key = TestSecrets.sessionKey("depth" + i);
            SIMULATOR.addSession(key, 900 + i);
            keys.add(key);
            queue().sendText(key);
        }

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(MANAGEMENT.metric(INPUT_DEPTH, INPUT_QUEUE)).isEqualTo(4));

        context.getRouteController().startRoute("queue-trigger");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(keys).allSatisfy(key -> assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1));
            assertThat(MANAGEMENT.metric(INPUT_DEPTH, INPUT_QUEUE)).isZero();
        });
    }
}
