package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Retries with the retry settings exactly as application.properties ships them (3 retries, 1s doubling up to 30s):
 * durations written as text ({@code 1s}, {@code 30s}) once made the error handler itself fail at the first transient
 * failure, so nothing was retried and queue keys ended in the broker's own DLQ without a reason. The queue's cases are
 * in ShippedSettingsTest; here a timer key, which the error handler's failure left neither retried nor dead-lettered.
 */
class ShippedRetrySettingsTest extends ReporterTestSupport {
    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = super.useOverridePropertiesWithPropertiesComponent();
        // the subject of this test: the retry settings as shipped, not the test support's short ones
        properties.keySet().removeIf(name -> name.toString().startsWith("reporter.retry."));
        return properties;
    }

    @Test
    void timerKeyFailingWith503IsRetriedAndThenReported() {
        String key = TestSecrets.sessionKey("timer503");
        SIMULATOR.addSession(key, 3003);
        SIMULATOR.failFor(key, SimulatedFailure.failTimes(1, SimulatedFailure.httpStatus(503)));

        template.sendBody("direct:session-reporter-timer-key", key);

        assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1);
        assertThat(SIMULATOR.requestsFor(key)).hasSize(2);
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).isEmpty();
    }
}
