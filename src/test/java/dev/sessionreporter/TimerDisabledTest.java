package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.operate.TimerLeadership;
import dev.sessionreporter.support.ReporterTestSupport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * With {@code reporter.timer.enabled=false} (the suite's default) the timer route does not exist and this instance
 * takes no part in the timer's election: it never holds the lock, so an instance that runs the timer leads at once.
 */
class TimerDisabledTest extends ReporterTestSupport {

    @Test
    void aDisabledTimerNeverTakesTheLeadershipFromAnInstanceThatRunsIt() throws Exception {
        assertThat(context.getRoute("session-reporter-timer-trigger")).as("no timer route").isNull();
        TimerLeadership leadership = new TimerLeadership(context,
                context.getRegistry().lookupByNameAndType("sessionReporterTimerLeaderPolicy", org.apache.camel.impl.cluster.ClusteredRoutePolicy.class));
        assertThat(leadership.isCandidate()).isFalse();

        // another instance on the same lock folder and namespace
        try (CamelContext other = new DefaultCamelContext()) {
            FileLockClusterService service = new FileLockClusterService();
            service.setRoot(brokerDataDir.resolve("cluster").toString());
            service.setAcquireLockInterval(200, TimeUnit.MILLISECONDS);
            other.addService(service);
            other.start();
            CamelClusterView view = service.getView(context.resolvePropertyPlaceholders("{{reporter.cluster.namespace}}"));
            await("the other instance leads").atMost(Duration.ofSeconds(10))
                    .until(() -> view.getLocalMember().isLeader());
        }
        assertThat(leadership.isLeader()).isFalse();
    }
}
