package dev.sessionreporter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.support.ZooKeeperServer;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ZooKeeper cluster service against a real ZooKeeper server: after an outage of the server (every connection breaks,
 * and Curator cancels the leadership it held) the instance leads again. camel-zookeeper's own service would not: its
 * view never enters the election again, so no instance would run the timer after a ZooKeeper restart.
 */
class RejoiningZooKeeperClusterServiceTest {
    private static final String NAMESPACE = "session-reporter-timer";
    private ZooKeeperServer zookeeper;
    private CamelContext camelContext;

    @BeforeEach
    void startZooKeeperAndCamel() throws Exception {
        // 250 ms ticks: ZooKeeper grants the 3 s session below (2 to 20 ticks)
        zookeeper = ZooKeeperServer.start(250);
        camelContext = new DefaultCamelContext();
        camelContext.addService(new RejoiningZooKeeperClusterService("instance-1", zookeeper.connectString(),
                "/session-reporter", 3000), true, true);
        camelContext.start();
    }

    @AfterEach
    void stopCamelAndZooKeeper() throws Exception {
        camelContext.close();
        zookeeper.close();
    }

    @Test
    void leadsAgainAfterEachZooKeeperOutage() throws Exception {
        CamelClusterView view = camelContext.hasService(RejoiningZooKeeperClusterService.class).getView(NAMESPACE);
        await("the only instance leads").atMost(Duration.ofSeconds(20))
                .until(() -> view.getLocalMember().isLeader());

        for (int outage = 1; outage <= 2; outage++) {
            zookeeper.stop();
            await("no leadership while ZooKeeper is down, outage " + outage).atMost(Duration.ofSeconds(30))
                    .until(() -> !view.getLocalMember().isLeader());
            zookeeper.restart();
            await("it leads again after outage " + outage).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> view.getLocalMember().isLeader());
        }
        assertThat(view.getLeader()).hasValueSatisfying(leader -> assertThat(leader.isLocal()).isTrue());
    }
}
