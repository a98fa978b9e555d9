package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.jar.JarProcesses;
import dev.sessionreporter.jar.ProdEnvironment;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.support.BrokerProcess;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.TestSecrets;
import dev.sessionreporter.support.TimerLeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scale-out on one machine: three instances of the packaged jar (prod profile, each its own JVM) share an external
 * Artemis broker started by the test and the file-lock cluster service in one folder; the timer puts its keys on the
 * queue (reporter.timer.target=queue). Counted from the SuperOffice simulator's side: each timer key is reported once
 * per period (not once per instance), each queue message exactly once, and the SOAP work is shared. Then the leader is
 * killed (SIGKILL): one of the two left takes the timer over within the documented bound and the same holds for two.
 */
@FullSuite
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration LOCK_INTERVAL = Duration.ofSeconds(1);
    private static final int HEARTBEAT_MULTIPLIER = 3;
    private static final Duration TIMER_DELAY = Duration.ofMillis(100);
    /**
     * README "Scale out": a dead leader is replaced after at most acquire-lock-interval x (heartbeat-timeout-multiplier
     * + 1), plus the timer's initial delay.
     */
    private static final Duration TAKEOVER_BOUND = LOCK_INTERVAL.multipliedBy(HEARTBEAT_MULTIPLIER + 1)
            .plus(TIMER_DELAY);
    /** Allowance for JVMs competing for two cores with other builds: scheduling, not the design. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final List<String> timerKeys = List.of(TestSecrets.sessionKey("so1"), TestSecrets.sessionKey("so2"),
            TestSecrets.sessionKey("so3"));
    private final Map<JarProcess, ManagementClient> instances = new LinkedHashMap<>();
    private CustomerServiceSimulator simulator;
    private BrokerProcess broker;
    private Path clusterRoot;
    private TimerLeaders leaders;

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    @BeforeAll
    void startSimulatorBrokerAndThreeInstances() throws Exception {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        simulator = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);
        for (int i = 0; i < timerKeys.size(); i++) {
            simulator.addSession(timerKeys.get(i), 500 + i);
        }
        broker = BrokerProcess.startNew();
        clusterRoot = Files.createTempDirectory("session-reporter-cluster");
        for (int i = 1; i <= 3; i++) {
            int managementPort = FreePort.find();
            JarProcess jar = jars.start("instance-" + i, environment(managementPort));
            instances.put(jar, new ManagementClient(managementPort));
        }
        leaders = new TimerLeaders(instances, simulator, timerKeys, PERIOD);
        // three JVMs starting at once on two cores shared with other builds: seen to take over 90 s
        await("three instances ready").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .failFast("an instance exited", () -> instances.keySet().stream().anyMatch(jar -> !jar.isAlive()))
                .until(leaders::allReady);
        await("one leader").atMost(Duration.ofSeconds(30)).until(() -> leaders.current().size() == 1);
    }

    @AfterAll
    void stopEverything() {
        jars.destroyAll();
        if (broker != null) {
            broker.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Order(1)
    void threeInstancesReportEachTimerKeyOncePerPeriodAndEachQueueMessageOnce() throws Exception {
        List<String> queued = sendQueueKeys("sq", 60);
        leaders.assertTimerKeysReportedOncePerPeriod(PERIOD.multipliedBy(4));
        assertEachReportedExactlyOnce(queued);

        long working = instances.values().stream()
                .filter(management -> management.metric("sessionreporter_reports_total", "outcome=\"reported\"") > 0)
                .count();
        assertThat(working).as("instances that made reports: the SOAP work is shared").isGreaterThanOrEqualTo(2);
        JarProcess any = instances.keySet().iterator().next();
        assertThat(any.outputHasLine("Session reporter started \\(profile prod")).as("start-up banner").isTrue();
        assertThat(any.outputHasLine("^  timer +every .*target queue; runs on the leader of "))
                .as("the banner shows the effective settings").isTrue();
        assertThat(any.outputHasLine("Property-placeholders summary")).as("Camel's summary only at DEBUG").isFalse();
        assertThat(any.output()).as("no secret in the console")
                .doesNotContain(TestSecrets.TICKET).doesNotContain(TestSecrets.APPLICATION_TOKEN)
                .doesNotContain(TestSecrets.TIMER_QUEUE_SECRET);
        assertThat(any.outputHasLine("summary - Last 2.0 s: \\d+ keys ended"))
                .as("periodic summary line").isTrue();
    }

    @Test
    @Order(2)
    void killMinus9OfTheLeaderHandsTheTimerToAnotherInstanceWithinTheBound() throws Exception {
        leaders.killLeaderAndAwaitTakeover(TAKEOVER_BOUND, SLACK);

        List<String> queued = sendQueueKeys("sr", 30);
        leaders.assertTimerKeysReportedOncePerPeriod(PERIOD.multipliedBy(3));
        assertEachReportedExactlyOnce(queued);
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private Map<String, String> environment(int managementPort) {
        Map<String, String> environment = ProdEnvironment.of(simulator.customerServiceUrl(), FreePort.find(),
                clusterRoot.resolve("unused-embedded-broker"));
        // address: the instances share one external broker
        environment.put("BROKER_URL", broker.url());
        // reconnects within the test's wait instead of every shipped 5 s
        environment.put("BROKER_RECONNECT_INTERVAL", "1s");
        // port of this instance alone
        environment.put("REPORTER_MANAGEMENT_PORT", Integer.toString(managementPort));
        // the subject: the timer leader puts its keys on the queue, with periods short enough to count several
        environment.put("REPORTER_TIMER_ENABLED", "true");
        environment.put("REPORTER_TIMER_TARGET", "queue");
        // required with target queue: the instances share it, so each trusts the leader's signed timer keys
        environment.put("REPORTER_TIMER_QUEUE_SECRET", TestSecrets.TIMER_QUEUE_SECRET);
        environment.put("REPORTER_TIMER_PERIOD", PERIOD.toSeconds() + "s");
        environment.put("REPORTER_TIMER_INITIAL_DELAY", Long.toString(TIMER_DELAY.toMillis()));
        environment.put("REPORTER_TIMER_SESSION_KEYS", String.join(",", timerKeys));
        // folder: the shared leader lock of these instances
        environment.put("REPORTER_CLUSTER_FILE_ROOT", clusterRoot.toString());
        // a dead leader is replaced within the test's wait (shipped: 10 s)
        environment.put("REPORTER_CLUSTER_FILE_ACQUIRE_LOCK_INTERVAL", LOCK_INTERVAL.toSeconds() + "s");
        environment.put("REPORTER_CLUSTER_FILE_HEARTBEAT_TIMEOUT_MULTIPLIER", Integer.toString(HEARTBEAT_MULTIPLIER));
        // the summary lines the test reads, once per period
        environment.put("REPORTER_LOG_SUMMARY_INTERVAL", PERIOD.toSeconds() + "s");
        return environment;
    }

    private List<String> sendQueueKeys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        try (QueueClient queue = new QueueClient(broker.port())) {
            for (int i = 0; i < count; i++) {
                String key = TestSecrets.sessionKey(prefix);
                simulator.addSession(key, 20_000 + i);
                queue.sendText(key);
                keys.add(key);
            }
        }
        return keys;
    }

    /** Every queued key reported, and exactly once, across all instances. */
    private void assertEachReportedExactlyOnce(List<String> keys) {
        await("every queued key reported").atMost(Duration.ofSeconds(30))
                .until(() -> keys.stream().allMatch(key -> simulator.acceptedReportCount(key) >= 1));
        for (String key : keys) {
            assertThat(simulator.requestsFor(key)).as("requests for queued key %s…", key.substring(0, 4)).hasSize(1);
        }
    }
}
