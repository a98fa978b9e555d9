package dev.sessionreporter.cluster;

import org.apache.camel.component.zookeeper.ZooKeeperCuratorHelper;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-zookeeper's cluster service (a Curator {@code LeaderSelector} per namespace) that takes part in the election
 * again after its ZooKeeper connection came back. Camel's view leaves the election for good once its connection is
 * suspended (Curator cancels the leadership, and the view does not requeue), so after a ZooKeeper restart or a network
 * blip longer than a few seconds no instance would lead again; here every view re-enters when the connection is back.
 */
public class RejoiningZooKeeperClusterService extends ZooKeeperClusterService {
    private static final Logger LOG = LoggerFactory.getLogger(RejoiningZooKeeperClusterService.class);

    private CuratorFramework curator;

    /**
     * @param id                  this instance's name in the election (unique among the candidates)
     * @param nodes               the ensemble, host:port[,host:port...]
     * @param basePath            the election of namespace N is the znode basePath/N
     * @param sessionTimeoutMillis how long ZooKeeper keeps a silent instance's session, and with it its leadership
     */
    public RejoiningZooKeeperClusterService(String id, String nodes, String basePath, long sessionTimeoutMillis) {
        setId(id);
        setNodes(nodes);
        setBasePath(basePath);
        // milliseconds: the unit of the configuration it becomes in doInit
        setSessionTimeout(sessionTimeoutMillis);
        // a first connection may take as long as a session lasts (Curator warns when it may take longer)
        setConnectTimeout(sessionTimeoutMillis);
    }

    /**
     * Our own client, built from the same settings once the configuration exists (super.doInit), so that we hear about
     * its connection. Started here, not in doStart: Camel may ask for the view (and so for the client) before it starts
     * the service. Closed in doStop.
     */
    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (curator == null) {
            curator = ZooKeeperCuratorHelper.createCurator(getConfiguration());
            curator.getConnectionStateListenable().addListener((client, state) -> {
                if (state == ConnectionState.RECONNECTED) {
                    rejoinElections();
                }
            });
            setCuratorFramework(curator);
            curator.start();
        }
    }

    private void rejoinElections() {
        for (String namespace : getNamespaces()) {
            try {
                // stop cancels what is left of the old attempt, start enqueues this instance again
                stopView(namespace);
                startView(namespace);
                LOG.info("ZooKeeper connection back: this instance takes part in the election of {} again", namespace);
            } catch (Exception e) {
                LOG.warn("ZooKeeper connection back, but the election of {} could not be entered again: {}", namespace,
                        e.toString());
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (curator != null) {
            curator.close();
        }
    }
}
