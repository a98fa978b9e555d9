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
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the packaged jar (prod profile, embedded broker) while it works through a queue of session keys,
 * then a restart on the same journal: no message is lost. Every key sent is reported to the server (the simulator in
 * this JVM counts what it accepted) or dead-lettered; nothing is left on the input queue.
 * <p>
 * The simulator records a request when it arrives but holds every answer back {@link #ANSWER_DELAY}. So a request
 * that arrived less than that before the kill had no answer yet: its report cannot have been completed, and its
 * message must come back after the restart. The test watches the request count over time to know which those are,
 * and checks that each of them reaches the server again — the proof that in-flight messages are redelivered, not
 * just that their keys were seen once.
 */
@FullSuite
class CrashSafetyIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final Pattern STARTED = Pattern.compile("Apache Camel \\S+ \\(session-reporter\\) started in");
    private static final int KEYS = 300;
    /** Every fifth key is unknown to the server: a permanent failure (SESSION_NOT_FOUND), dead-lettered. */
    private static final int UNKNOWN_EVERY = 5;
    private static final Duration ANSWER_DELAY = Duration.ofMillis(100);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration IDLE = Duration.ofSeconds(5);

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

    @AfterEach
    void killLeftovers() {
        jars.destroyAll();
    }

    @Test
    void killMinus9MidStreamThenRestartLosesNoMessage() throws Exception {
        List<String> sent = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (int i = 0; i < KEYS; i++) {
            String key = TestSecrets.sessionKey("c");
            sent.add(key);
            if (i % UNKNOWN_EVERY == UNKNOWN_EVERY - 1) {
                unknown.add(key);
            } else {
                simulator.addSession(key, 10_000 + i);
                known.add(key);
            }
        }
        simulator.failAll(SimulatedFailure.delay(ANSWER_DELAY));

        // 1. The first reporter works through the queue and is killed (SIGKILL) part-way.
        int firstPort = FreePort.find();
        JarProcess first = jars.start("before-kill",
                ProdEnvironment.of(simulator.customerServiceUrl(), firstPort, brokerDataDir));
        awaitStarted(first);
        new TcpQueues(firstPort).sendTexts(TcpQueues.INPUT_QUEUE, sent);
        RequestTimeline timeline = new RequestTimeline();
        long killedBy = timeline.killWhenOneJustArrived(first, KEYS / 3, ANSWER_DELAY.dividedBy(2));
        assertThat(first.waitForExit(Duration.ofSeconds(10))).as("the killed reporter is gone").isTrue();
        List<ReceivedRequest> beforeKill = simulator.requests();
        Set<String> reportedBeforeKill = accepted(beforeKill);
        Set<String> inFlightAtKill = timeline.answerPendingAt(killedBy, ANSWER_DELAY, beforeKill);
        System.out.printf("killed after %d requests: %d keys reported, %d requests without an answer yet%n",
                beforeKill.size(), reportedBeforeKill.size(), inFlightAtKill.size());
        assertThat(reportedBeforeKill)
                .as("killed mid-stream: some, not all, keys reported before the kill")
                .isNotEmpty()
                .hasSizeLessThan(known.size());
        assertThat(inFlightAtKill).as("reports in flight (answer not yet sent) at the kill").isNotEmpty();

        // 2. A second reporter on the same journal finishes the work.
        int secondPort = FreePort.find();
        JarProcess second = jars.start("after-restart",
                ProdEnvironment.of(simulator.customerServiceUrl(), secondPort, brokerDataDir));
        awaitStarted(second);
        TcpQueues queues = new TcpQueues(secondPort);
        Set<String> deadLettered = new HashSet<>();
        List<String> deadLetterMessages = new CopyOnWriteArrayList<>();
        // Until every key is reported or dead-lettered, or nothing has happened for a while (then the asserts below
        // name what is missing).
        long[] lastChange = {System.nanoTime(), -1};
        await("every key reported or dead-lettered, or the reporter idle").atMost(SETTLE)
                .pollInterval(Duration.ofMillis(500))
                .failFast("the reporter exited", () -> !second.isAlive())
                .until(() -> {
                    List<String> drained = queues.drainTexts(TcpQueues.DEAD_LETTER_QUEUE);
                    deadLetterMessages.addAll(drained);
                    deadLettered.addAll(drained);
                    Set<String> done = accepted(simulator.requests());
                    done.addAll(deadLettered);
                    int requests = simulator.requestCount();
                    if (requests != lastChange[1] || !drained.isEmpty()) {
                        lastChange[0] = System.nanoTime();
                        lastChange[1] = requests;
                    }
                    return done.containsAll(sent) || System.nanoTime() - lastChange[0] > IDLE.toNanos();
                });
        awaitQuiet();
        List<String> lateDeadLetters = queues.drainTexts(TcpQueues.DEAD_LETTER_QUEUE);
        deadLetterMessages.addAll(lateDeadLetters);
        deadLettered.addAll(lateDeadLetters);
        List<String> leftOnInput = queues.browseTexts(TcpQueues.INPUT_QUEUE);
        List<String> parkedByBroker = queues.browseTexts(TcpQueues.BROKER_DEAD_LETTER_QUEUE);
        second.terminate();
        assertThat(second.waitForExit(Duration.ofSeconds(30))).as("the second reporter stops on SIGTERM").isTrue();

        // 3. Every key accounted for.
        List<ReceivedRequest> all = simulator.requests();
        List<ReceivedRequest> afterRestart = all.subList(beforeKill.size(), all.size());
        Set<String> reported = accepted(all);
        System.out.printf("sent %d, reported %d (%d requests, %d after the restart), dead-lettered %d (%d messages)%n",
                sent.size(), reported.size(), all.size(), afterRestart.size(), deadLettered.size(),
                deadLetterMessages.size());
        Set<String> accountedFor = new HashSet<>(reported);
        accountedFor.addAll(deadLettered);
        assertThat(difference(sent, accountedFor))
                .as("sent == reported ∪ dead-lettered: keys sent but neither reported nor dead-lettered (lost)")
                .isEmpty();
        assertThat(difference(accountedFor, sent)).as("keys reported or dead-lettered but never sent").isEmpty();
        assertThat(difference(known, reported)).as("keys the server knows that were not reported").isEmpty();
        assertThat(difference(unknown, deadLettered)).as("unknown keys that were not dead-lettered").isEmpty();
        assertThat(difference(deadLettered, unknown)).as("dead-lettered keys the server knows").isEmpty();
        assertThat(difference(inFlightAtKill, keysOf(afterRestart)))
                .as("messages in flight at the kill that were not delivered again after the restart")
                .isEmpty();
        assertThat(difference(leftOnInput, List.of())).as("input queue at the end").isEmpty();
        assertThat(difference(parkedByBroker, List.of())).as("messages the broker gave up on (its DLQ)").isEmpty();
        assertThat(second.exitValue()).as("exit code of the second reporter after SIGTERM").isZero();
    }

    /** Until the simulator has seen no request for a second. */
    private static void awaitQuiet() {
        int[] last = {-1};
        await("no more requests").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    int now = simulator.requestCount();
                    boolean quiet = now == last[0];
                    last[0] = now;
                    return quiet;
                });
    }

    /**
     * Distinct keys with an accepted report: answered Succeeded=true ({@code accepted()}) with a login id as Response
     * ({@code acceptedReportCount}: the key is a session the simulator knows; sessions are never removed here).
     */
    private static Set<String> accepted(List<ReceivedRequest> requests) {
        Set<String> keys = new HashSet<>();
        for (ReceivedRequest request : requests) {
            if (request.accepted() && simulator.acceptedReportCount(request.sessionKey()) > 0) {
                keys.add(request.sessionKey());
            }
        }
        return keys;
    }

    /** {@code from} minus {@code minus}, masked: a failure message shows which keys, not the secrets. */
    private static List<String> difference(Collection<String> from, Collection<String> minus) {
        Set<String> rest = new LinkedHashSet<>(from);
        rest.removeAll(new HashSet<>(minus));
        return rest.stream().map(SessionKeyMask::mask).toList();
    }

    private static Set<String> keysOf(List<ReceivedRequest> requests) {
        Set<String> keys = new HashSet<>();
        requests.forEach(request -> keys.add(request.sessionKey()));
        return keys;
    }

    private static void awaitStarted(JarProcess reporter) {
        await(reporter.name() + " started").atMost(START)
                .pollInterval(Duration.ofMillis(100))
                .failFast("the reporter exited", () -> !reporter.isAlive())
                .until(() -> reporter.output().lines().anyMatch(line -> STARTED.matcher(line).find()));
    }

    /**
     * Samples the simulator's request count in a tight loop, so that for the i-th request it can tell a time before
     * which it had certainly not arrived (the last sample that still counted at most i requests).
     */
    private static final class RequestTimeline {
        private final List<long[]> samples = new ArrayList<>();

        /**
         * Watches the request count and kills {@code reporter} (SIGKILL) as soon as, with at least {@code minimum}
         * requests seen, a new request is seen less than {@code within} after the previous look: that request surely
         * has no answer yet. Returns a time after the kill.
         */
        long killWhenOneJustArrived(JarProcess reporter, int minimum, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long previousAt = System.nanoTime();
            int previousCount = simulator.requestCount();
            samples.add(new long[] {previousAt, previousCount});
            while (true) {
                Thread.sleep(1);
                int count = simulator.requestCount();
                long now = System.nanoTime();
                samples.add(new long[] {now, count});
                if (count >= minimum && count > previousCount && now - previousAt < within.toNanos()) {
                    reporter.kill();
                    return System.nanoTime();
                }
                assertThat(reporter.isAlive()).as("the reporter runs until killed").isTrue();
                assertThat(now).as("%d requests within 60 s", minimum).isLessThan(deadline);
                previousAt = now;
                previousCount = count;
            }
        }

        /**
         * Keys of the requests whose answer the simulator cannot have sent by {@code killedBy}: they arrived after
         * {@code killedBy - delay}, and each answer waits {@code delay} after its arrival.
         */
        Set<String> answerPendingAt(long killedBy, Duration delay, List<ReceivedRequest> requests) {
            Set<String> keys = new LinkedHashSet<>();
            for (int i = 0; i < requests.size(); i++) {
                long notBefore = Long.MIN_VALUE;
                for (long[] sample : samples) {
                    if (sample[1] > i) {
                        break;
                    }
                    notBefore = sample[0];
                }
                if (notBefore != Long.MIN_VALUE && notBefore + delay.toNanos() > killedBy) {
                    keys.add(requests.get(i).sessionKey());
                }
            }
            return keys;
        }
    }
}
