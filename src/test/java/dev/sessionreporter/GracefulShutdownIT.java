package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.jar.JarProcesses;
import dev.sessionreporter.jar.ProdEnvironment;
import dev.sessionreporter.jar.TcpQueues;
import dev.sessionreporter.secret.SessionKeyMask;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as a service manager stops the reporter: the packaged jar (prod profile, embedded broker) against a
 * simulator in this JVM that holds every answer back, so that reports are in flight when the signal arrives.
 * <ul>
 *   <li>within reporter.shutdown.timeout: the queue consumer takes no new message, the in-flight reports finish,
 *       the process exits 0, and every message not yet started is still on the queue;</li>
 *   <li>beyond it: the process still ends, with exit code 1, and nothing is lost (each key is either reported or
 *       still on the queue).</li>
 * </ul>
 * The queue is inspected after the exit by starting the jar again on the same journal with its queue consumer off.
 */
@FullSuite
class GracefulShutdownIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final Duration START = Duration.ofSeconds(60);
    private static final int CONSUMERS = 4;
    private static final Pattern STARTED = Pattern.compile("Apache Camel \\S+ \\(session-reporter\\) started in");

    private static CustomerServiceSimulator simulator;

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    @TempDir
    Path brokerDataDir;

    @BeforeAll
    static void startSimulator() {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        simulator = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void resetSimulator() {
        simulator.clearFailures();
        simulator.clearRequests();
    }

    @AfterEach
    void killLeftovers() {
        jars.destroyAll();
    }

    @Test
    void sigtermFinishesInFlightReportsLeavesTheRestOnTheQueueAndExitsZero() throws Exception {
        Duration answerDelay = Duration.ofSeconds(2);
        Duration shutdownTimeout = Duration.ofSeconds(20);
        List<String> keys = knownKeys("g", 10);
        simulator.failAll(SimulatedFailure.delay(answerDelay));
        int brokerPort = FreePort.find();
        Map<String, String> environment = ProdEnvironment.of(simulator.customerServiceUrl(), brokerPort, brokerDataDir);
        // the subject: a shutdown timeout longer than the in-flight answers take
        environment.put("REPORTER_SHUTDOWN_TIMEOUT", shutdownTimeout.toSeconds() + "s");
        JarProcess reporter = jars.start("graceful", environment);
        awaitStarted(reporter);

        new TcpQueues(brokerPort).sendTexts(TcpQueues.INPUT_QUEUE, keys);
        // All consumers busy: each waits for its answer, no consumer is receiving.
        await("all " + CONSUMERS + " consumers calling the server").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> simulator.requestCount() >= CONSUMERS);
        List<ReceivedRequest> beforeSigterm = simulator.requests();
        long sigtermAt = System.nanoTime();
        reporter.terminate();

        assertThat(reporter.waitForExit(shutdownTimeout.plusSeconds(10)))
                .as("the reporter exits within reporter.shutdown.timeout (%s) of SIGTERM", shutdownTimeout)
                .isTrue();
        Duration stopTook = Duration.ofNanos(System.nanoTime() - sigtermAt);
        System.out.println(reporter.name() + ": stopped " + stopTook.toMillis() + " ms after SIGTERM");
        assertThat(reporter.exitValue()).as("exit code after a clean stop on SIGTERM").isZero();

        Set<String> inFlight = keysOf(beforeSigterm);
        assertThat(inFlight).as("reports in flight at SIGTERM (one per consumer)").hasSize(CONSUMERS);
        assertThat(keysOf(simulator.requests()))
                .as("after SIGTERM the queue consumer took no new message: no other key reached the server")
                .isEqualTo(inFlight);
        for (String key : inFlight) {
            assertThat(reporter.outputHasLine("Session " + Pattern.quote(SessionKeyMask.mask(key))
                    + " reported active: .*route=session-reporter-queue-trigger"))
                    .as("the in-flight report of %s finished during the stop", SessionKeyMask.mask(key))
                    .isTrue();
        }
        assertThat(reporter.output()).as("no forced stop").doesNotContain("Timeout occurred during graceful shutdown");
        assertThat(stopTook)
                .as("the stop waited for the held-back answers")
                .isGreaterThan(answerDelay.dividedBy(4));

        Set<String> notStarted = new LinkedHashSet<>(keys);
        notStarted.removeAll(inFlight);
        QueueContents after = queueContentsAfterRestart();
        assertThat(after.input())
                .as("exactly the messages not started are still on the queue (in-flight ones were acknowledged)")
                .containsExactlyInAnyOrderElementsOf(notStarted);
        assertThat(after.deadLetters()).as("dead-letter queue").isEmpty();
    }

    @Test
    void sigtermBeyondTheShutdownTimeoutStillEndsAndLosesNothing() throws Exception {
        Duration answerDelay = Duration.ofSeconds(4);
        Duration shutdownTimeout = Duration.ofSeconds(1);
        List<String> keys = knownKeys("t", 6);
        simulator.failAll(SimulatedFailure.delay(answerDelay));
        int brokerPort = FreePort.find();
        Map<String, String> environment = ProdEnvironment.of(simulator.customerServiceUrl(), brokerPort, brokerDataDir);
        // the subject: a shutdown timeout shorter than the in-flight answers take
        environment.put("REPORTER_SHUTDOWN_TIMEOUT", shutdownTimeout.toMillis() + "");
        JarProcess reporter = jars.start("shutdown-timeout", environment);
        awaitStarted(reporter);

        new TcpQueues(brokerPort).sendTexts(TcpQueues.INPUT_QUEUE, keys);
        await("all " + CONSUMERS + " consumers calling the server").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> simulator.requestCount() >= CONSUMERS);
        long sigtermAt = System.nanoTime();
        reporter.terminate();

        Duration bound = Duration.ofSeconds(30);
        assertThat(reporter.waitForExit(bound)).as("the reporter ends within %s although answers hang", bound).isTrue();
        Duration stopTook = Duration.ofNanos(System.nanoTime() - sigtermAt);
        System.out.println(reporter.name() + ": stopped " + stopTook.toMillis() + " ms after SIGTERM");
        assertThat(reporter.exitValue()).as("exit code of a stop that cut reports short").isEqualTo(1);
        assertThat(reporter.output()).contains("reporter.shutdown.timeout");

        QueueContents after = queueContentsAfterRestart();
        Set<String> accountedFor = new LinkedHashSet<>(after.input());
        for (String key : keys) {
            if (reporter.outputHasLine("Session " + Pattern.quote(SessionKeyMask.mask(key)) + " reported active")) {
                accountedFor.add(key);
            }
        }
        assertThat(accountedFor)
                .as("every key was reported or is still on the queue (stop took %s ms)", stopTook.toMillis())
                .containsExactlyInAnyOrderElementsOf(keys);
        assertThat(after.deadLetters()).as("dead-letter queue").isEmpty();
    }

    private record QueueContents(List<String> input, List<String> deadLetters) {
    }

    /** Starts the jar again on the same journal, its queue consumer off, and reads what is on the queues. */
    private QueueContents queueContentsAfterRestart() throws Exception {
        int brokerPort = FreePort.find();
        Map<String, String> environment = ProdEnvironment.of(simulator.customerServiceUrl(), brokerPort, brokerDataDir);
        // an inspector: it must not consume what it is to count
        environment.put("REPORTER_QUEUE_ENABLED", "false");
        JarProcess inspector = jars.start("inspect-queues", environment);
        awaitStarted(inspector);
        TcpQueues queues = new TcpQueues(brokerPort);
        QueueContents contents = new QueueContents(queues.browseTexts(TcpQueues.INPUT_QUEUE),
                queues.browseTexts(TcpQueues.DEAD_LETTER_QUEUE));
        inspector.terminate();
        assertThat(inspector.waitForExit(Duration.ofSeconds(30))).as("the inspecting jar stops on SIGTERM").isTrue();
        assertThat(inspector.exitValue()).as("exit code of the inspecting jar after SIGTERM").isZero();
        return contents;
    }

    /** {@code count} keys the simulator knows, each with its own masked form ({@code g000…}, {@code g001…}, ...). */
    private static List<String> knownKeys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = TestSecrets.sessionKey(prefix + String.format("%03d", i));
            simulator.addSession(key, 2000 + i);
            keys.add(key);
        }
        return keys;
    }

    private static Set<String> keysOf(List<ReceivedRequest> requests) {
        Set<String> keys = new LinkedHashSet<>();
        requests.forEach(request -> keys.add(request.sessionKey()));
        return keys;
    }

    private static void awaitStarted(JarProcess reporter) {
        await(reporter.name() + " started").atMost(START)
                .pollInterval(Duration.ofMillis(100))
                .failFast("the reporter exited", () -> !reporter.isAlive())
                .until(() -> reporter.output().lines().anyMatch(line -> STARTED.matcher(line).find()));
    }
}
