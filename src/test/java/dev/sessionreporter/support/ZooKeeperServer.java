package dev.sessionreporter.support;

import java.nio.file.Files;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server in the test's JVM (Curator's curator-test), on 127.0.0.1 and a free port, with a short tick:
 * ZooKeeper grants session timeouts of 2 to 20 ticks, and the tests want sessions of a few seconds.
 */
public final class ZooKeeperServer implements AutoCloseable {
    private final TestingServer server;

    private ZooKeeperServer(TestingServer server) {
        this.server = server;
    }

    /** Started, with a tick of {@code tickMillis}. */
    public static ZooKeeperServer start(int tickMillis) throws Exception {
        InstanceSpec spec = new InstanceSpec(Files.createTempDirectory("session-reporter-zookeeper").toFile(),
                FreePort.find(), FreePort.find(), FreePort.find(), true, 1, tickMillis, 60,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        return new ZooKeeperServer(new TestingServer(spec, true));
    }

    /** {@link #start}, for a static field. */
    public static ZooKeeperServer startUnchecked(int tickMillis) {
        try {
            return start(tickMillis);
        } catch (Exception e) {
            throw new IllegalStateException("ZooKeeper did not start", e);
        }
    }

    /** host:port, for reporter.cluster.zookeeper.nodes. */
    public String connectString() {
        return server.getConnectString();
    }

    /** Stops the server: every client's connection breaks. */
    public void stop() throws Exception {
        server.stop();
    }

    /** Starts the stopped server again, on the same port and data: the clients' connections come back. */
    public void restart() throws Exception {
        server.restart();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
