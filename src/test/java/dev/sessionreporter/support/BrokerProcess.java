package dev.sessionreporter.support;

import static org.awaitility.Awaitility.await;

import dev.sessionreporter.broker.StandaloneBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * A {@link StandaloneBroker} in its own JVM (same Artemis version, the test classpath), on loopback: the "external
 * broker" of an operator, which tests can kill (SIGKILL), stop (SIGTERM) and start again on the same journal, or one
 * half of a shared-store primary/backup pair ({@link #startSharedStorePair()}). Its output goes to
 * {@code target/standalone-broker-<port>.log}.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path dataDir;
    private final Path logFile;
    private final List<String> roleArguments;
    private volatile Process process;
    private long logOffset;

    private BrokerProcess(int port, Path dataDir, List<String> roleArguments) {
        this.port = port;
        this.dataDir = dataDir;
        this.roleArguments = roleArguments;
        this.logFile = Path.of("target", "standalone-broker-" + port + ".log").toAbsolutePath();
        // Never outlive the test JVM, whatever happens to the test.
        Runtime.getRuntime().addShutdownHook(new Thread(this::killIfAlive, "standalone-broker-reaper-" + port));
    }

    private void killIfAlive() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
        }
    }

    /** Starts a broker on a free loopback port with a fresh journal, and waits until it accepts connections. */
    public static BrokerProcess startNew() {
        try {
            BrokerProcess broker = new BrokerProcess(FreePort.find(), Files.createTempDirectory("standalone-broker"), List.of());
            broker.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A shared-store pair on one fresh journal, each on its own free loopback port: the primary (first) serves, the
     * backup (second) has started and waits for the journal's lock; {@link #awaitServing()} waits for its takeover.
     */
    public static List<BrokerProcess> startSharedStorePair() {
        try {
            Path dataDir = Files.createTempDirectory("standalone-broker-pair");
            int primaryPort = FreePort.find();
            int backupPort = FreePort.find();
            while (backupPort == primaryPort) {
                backupPort = FreePort.find();
            }
            BrokerProcess primary = new BrokerProcess(primaryPort, dataDir, List.of("primary", Integer.toString(backupPort)));
            BrokerProcess backup = new BrokerProcess(backupPort, dataDir, List.of("backup", Integer.toString(primaryPort)));
            primary.start();
            backup.launch(StandaloneBroker.STANDING_BY);
            return List.of(primary, backup);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the process (again) on the same journal and port; returns once it accepts connections. */
    public synchronized void start() {
        launch(StandaloneBroker.READY);
    }

    /** Waits until this process serves (a backup: until it has taken over from its primary). */
    public synchronized void awaitServing() {
        awaitLine(StandaloneBroker.READY);
    }

    /** Waits until this primary has told its clients about its backup (the pair's topology names both). */
    public void awaitBackupAnnounced() {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url() + "?ha=true");
                ClientSessionFactory factory = locator.createSessionFactory()) {
            await("backup of " + url() + " announced").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> locator.getTopology().getMembers().stream().anyMatch(member -> member.getBackup() != null));
        } catch (Exception e) {
            throw new IllegalStateException("no topology from " + url(), e);
        }
    }

    private void launch(String line) {
        if (isAlive()) {
            throw new IllegalStateException("broker already running on " + url());
        }
        try {
            Files.createDirectories(logFile.getParent());
            logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), StandaloneBroker.class.getName(), dataDir.toString(),
                    Integer.toString(port)));
            command.addAll(roleArguments);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitLine(line);
    }

    private void awaitLine(String line) {
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!loggedSinceLaunch(line)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("standalone broker exited with " + process.exitValue() + ", see " + logFile);
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new IllegalStateException("standalone broker did not print '" + line + "' within " + START_TIMEOUT
                            + ", see " + logFile);
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean loggedSinceLaunch(String line) throws IOException {
        byte[] log = Files.readAllBytes(logFile);
        return log.length > logOffset
                && new String(log, (int) logOffset, log.length - (int) logOffset, StandardCharsets.UTF_8).contains(line);
    }

    /** SIGKILL: the broker dies at once, as in a crash or power loss; its journal keeps what it had synced. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** SIGTERM: the broker shuts down cleanly (its shutdown hook stops the server). */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            awaitExit();
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
