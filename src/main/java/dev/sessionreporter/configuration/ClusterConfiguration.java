package dev.sessionreporter.configuration;

import dev.sessionreporter.Settings;
import dev.sessionreporter.StartupConfigurationException;
import dev.sessionreporter.cluster.RejoiningZooKeeperClusterService;
import dev.sessionreporter.operate.TimerLeaderCheck;
import dev.sessionreporter.operate.TimerLeadership;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;

/**
 * Which instance runs the timer (reporter.cluster.*, README "Scale out"): the timer route's leader policy, the
 * health detail that says whether this instance leads, and the cluster service that elects the leader: ZooKeeper when
 * reporter.cluster.zookeeper.nodes is set, otherwise the default, a lock file per namespace, when
 * reporter.cluster.file.enabled is true.
 */
public class ClusterConfiguration implements CamelConfiguration {
    @PropertyInject("reporter.cluster.namespace")
    String namespace;
    @PropertyInject("reporter.cluster.file.enabled")
    boolean fileEnabled;
    @PropertyInject("reporter.cluster.file.root")
    String fileRoot;
    @PropertyInject("reporter.cluster.file.acquire-lock-interval")
    String fileAcquireLockInterval;
    @PropertyInject("reporter.cluster.file.acquire-lock-delay")
    String fileAcquireLockDelay;
    @PropertyInject("reporter.cluster.file.heartbeat-timeout-multiplier")
    int fileHeartbeatTimeoutMultiplier;
    @PropertyInject("reporter.cluster.zookeeper.nodes")
    String zookeeperNodes;
    @PropertyInject("reporter.cluster.zookeeper.base-path")
    String zookeeperBasePath;
    @PropertyInject("reporter.cluster.zookeeper.session-timeout")
    String zookeeperSessionTimeout;
    private ClusteredRoutePolicy timerLeaderPolicy;
    private TimerLeadership timerLeadership;

    /**
     * The timer route's policy (routes/triggers.camel.yaml): the route runs only on the instance that leads
     * reporter.cluster.namespace, as the cluster service decides. It takes part in the election from the route's
     * start-up on and starts the route as soon as it leads and Camel has started (no initial delay).
     */
    @BindToRegistry("sessionReporterTimerLeaderPolicy")
    public ClusteredRoutePolicy timerLeaderPolicy(CamelContext camelContext) throws Exception {
        if (timerLeaderPolicy == null) {
            timerLeaderPolicy = ClusteredRoutePolicy.forNamespace(camelContext,
                    Settings.orDefault(namespace, "session-reporter-timer"));
        }
        return timerLeaderPolicy;
    }

    /** Health detail timer.leader: whether this instance runs the timer. */
    @BindToRegistry("sessionReporterTimerLeaderCheck")
    public TimerLeaderCheck timerLeaderCheck(CamelContext camelContext) {
        return new TimerLeaderCheck(timerLeadership(camelContext));
    }

    TimerLeadership timerLeadership(CamelContext camelContext) {
        if (timerLeadership == null) {
            try {
                timerLeadership = new TimerLeadership(camelContext, timerLeaderPolicy(camelContext));
            } catch (Exception e) {
                throw new IllegalStateException("The timer's leader policy cannot be created", e);
            }
        }
        return timerLeadership;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (!zookeeperNodes.isBlank()) {
            camelContext.addService(zooKeeperClusterService(), true, true);
        } else if (fileEnabled) {
            camelContext.addService(fileLockClusterService(), true, true);
        }
    }

    /**
     * The ZooKeeper ensemble's election under base-path/namespace. A dead leader's session ends after the session
     * timeout; the next candidate is told at once. Its class is loaded only here: camel-zookeeper is an optional
     * dependency, in the runnable jar but neither in the library's dependencies nor in the Karaf bundle.
     */
    private Object zooKeeperClusterService() {
        long sessionTimeout = Settings.millis("reporter.cluster.zookeeper.session-timeout", zookeeperSessionTimeout);
        String basePath = Settings.orDefault(zookeeperBasePath, "/session-reporter");
        if (!basePath.startsWith("/")) {
            throw new StartupConfigurationException("Property reporter.cluster.zookeeper.base-path (environment variable "
                    + Settings.environmentVariable("reporter.cluster.zookeeper.base-path")
                    + ") must be a ZooKeeper path starting with /, not: " + basePath);
        }
        Settings.requireOptionalDependency("reporter.cluster.zookeeper.nodes",
                "org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService", "camel-zookeeper");
        // host and process: the id names the leader in ZooKeeper, and containers all run as process 1
        return new RejoiningZooKeeperClusterService(hostName() + "-" + instanceId(), zookeeperNodes.strip(), basePath,
                sessionTimeout);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static String instanceId() {
        return "session-reporter-" + ProcessHandle.current().pid();
    }

    /**
     * A lock file per namespace in reporter.cluster.file.root; the instance holding the lock leads. A dead leader's
     * lock is taken over once its heartbeat is older than acquire-lock-interval x heartbeat-timeout-multiplier.
     */
    private FileLockClusterService fileLockClusterService() {
        FileLockClusterService service = new FileLockClusterService();
        service.setId(instanceId());
        service.setRoot(Settings.orDefault(fileRoot, "data/cluster"));
        service.setAcquireLockInterval(Settings.millis("reporter.cluster.file.acquire-lock-interval",
                fileAcquireLockInterval), TimeUnit.MILLISECONDS);
        service.setAcquireLockDelay(Settings.millis("reporter.cluster.file.acquire-lock-delay",
                fileAcquireLockDelay), TimeUnit.MILLISECONDS);
        service.setHeartbeatTimeoutMultiplier(fileHeartbeatTimeoutMultiplier);
        return service;
    }
}
