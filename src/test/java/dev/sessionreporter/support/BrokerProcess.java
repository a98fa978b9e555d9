package dev.sessionreporter.support;

import dev.sessionreporter.broker.StandaloneBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StandaloneBroker} in its own JVM (same Artemis version, the test classpath), on loopback: the "external
 * broker" of an operator, which tests can kill (SIGKILL), stop (SIGTERM) and start again on the same journal. Its
 * output goes to {@code target/standalone-broker-<port>.log}.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path dataDir;
    private final Path logFile;
    private volatile Process process;

    private BrokerProcess(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
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
            BrokerProcess broker = new BrokerProcess(FreePort.find(), Files.createTempDirectory("standalone-broker"));
            broker.start();
            return broker;
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
        if (isAlive()) {
            throw new IllegalStateException("broker already running on " + url());
        }
        try {
            Files.createDirectories(logFile.getParent());
            long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    StandaloneBroker.class.getName(), dataDir.toString(), Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!readyAfter(logOffset)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("standalone broker exited with " + process.exitValue() + ", see " + logFile);
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new IllegalStateException("standalone broker not ready after " + START_TIMEOUT + ", see " + logFile);
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

    private boolean readyAfter(long logOffset) throws IOException {
        byte[] log = Files.readAllBytes(logFile);
        return log.length > logOffset
                && new String(log, (int) logOffset, log.length - (int) logOffset, StandardCharsets.UTF_8).contains(StandaloneBroker.READY);
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
