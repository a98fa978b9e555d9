package dev.sessionreporter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.operate.TimerLeadership;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import dev.sessionreporter.support.ZooKeeperServer;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The reporter's timer elected through ZooKeeper (reporter.cluster.zookeeper.nodes): this instance leads and runs the
 * timer route; when ZooKeeper goes down Curator cancels the leadership, and once ZooKeeper is back this instance enters
 * the election again and leads and runs the timer again (camel-zookeeper's own service would never lead again).
 */
class ZooKeeperTimerLeaderTest extends ReporterTestSupport {
    /** Started before the context, whose properties name it. 250 ms ticks: ZooKeeper grants the 3 s session below. */
    private static final ZooKeeperServer ZOOKEEPER = ZooKeeperServer.startUnchecked(250);
    private static final String KEY = TestSecrets.sessionKey("zkt");

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the subject: the timer, elected through the test's ZooKeeper instead of the file lock
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.session-keys", KEY);
        properties.setProperty("reporter.cluster.zookeeper.nodes", ZOOKEEPER.connectString());
        // a lost session ends within the test's wait (shipped: 10 s)
        properties.setProperty("reporter.cluster.zookeeper.session-timeout", "3s");
        return properties;
    }

    @AfterAll
    void stopZooKeeper() throws Exception {
        ZOOKEEPER.close();
    }

    @Test
    void leadsThroughZooKeeperAndAgainAfterEachZooKeeperOutage() throws Exception {
        TimerLeadership leadership = new TimerLeadership(context, context.getRegistry()
                .lookupByNameAndType("sessionReporterTimerLeaderPolicy", ClusteredRoutePolicy.class));
        RejoiningZooKeeperClusterService service = context.hasService(RejoiningZooKeeperClusterService.class);
        assertThat(service).as("the ZooKeeper cluster service").isNotNull();
        CamelClusterView view = service.getView(context.resolvePropertyPlaceholders("{{reporter.cluster.namespace}}"));
        await("this instance leads and runs the timer").atMost(Duration.ofSeconds(20))
                .until(() -> view.getLocalMember().isLeader() && leadership.isLeader() && timerRouteStarted());

        for (int outage = 1; outage <= 2; outage++) {
            ZOOKEEPER.stop();
            // Curator cancels the leadership when the connection breaks
            await("the leadership is cancelled, outage " + outage).atMost(Duration.ofSeconds(30))
                    .until(() -> !view.getLocalMember().isLeader());
            ZOOKEEPER.restart();
            await("it leads and runs the timer again after outage " + outage).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> view.getLocalMember().isLeader() && leadership.isLeader() && timerRouteStarted());
        }
    }

    private boolean timerRouteStarted() {
        return context.getRouteController().getRouteStatus("session-reporter-timer-trigger") == ServiceStatus.Started;
    }
}
