package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.jar.JarProcesses;
import dev.sessionreporter.jar.ProdEnvironment;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.TestSecrets;
import dev.sessionreporter.support.TimerLeaders;
import dev.sessionreporter.support.ZooKeeperServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Timer leadership through ZooKeeper (reporter.cluster.zookeeper.*): a real ZooKeeper server in the test's JVM and
 * three instances of the packaged jar (prod profile, each its own JVM, broker and lock-file folder, so that only
 * ZooKeeper can make them agree). Counted from the SuperOffice simulator's side: each timer key is reported once per
 * period, not once per instance. Then the leader is killed (SIGKILL): another instance takes the timer over within the
 * documented bound, and each key is again reported once per period.
 */
@FullSuite
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperLeadershipIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration TIMER_DELAY = Duration.ofMillis(100);
    /** ZooKeeper's tick: it grants session timeouts of 2 to 20 ticks and ends sessions on tick boundaries. */
    private static final Duration TICK = Duration.ofMillis(250);
    /** Long enough that a JVM starved of CPU for a few seconds on a loaded machine keeps its session. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);
    /**
     * README "Scale out": a dead leader is replaced after at most the session timeout plus one ZooKeeper tick, plus
     * the timer's initial delay.
     */
    private static final Duration TAKEOVER_BOUND = SESSION_TIMEOUT.plus(TICK).plus(TIMER_DELAY);
    /** Allowance for JVMs competing for two cores with other builds: scheduling, not the design. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final List<String> timerKeys = List.of(TestSecrets.sessionKey("zk1"), TestSecrets.sessionKey("zk2"));
    private final Map<JarProcess, ManagementClient> instances = new LinkedHashMap<>();
    private CustomerServiceSimulator simulator;
    private ZooKeeperServer zookeeper;
    private TimerLeaders leaders;

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    @BeforeAll
    void startZooKeeperSimulatorAndThreeInstances() throws Exception {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        simulator = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);
        for (int i = 0; i < timerKeys.size(); i++) {
            simulator.addSession(timerKeys.get(i), 700 + i);
        }
        zookeeper = ZooKeeperServer.start((int) TICK.toMillis());
        for (int i = 1; i <= 3; i++) {
            int managementPort = FreePort.find();
            JarProcess jar = jars.start("instance-" + i, environment(managementPort,
                    Files.createTempDirectory("session-reporter-zk-instance")));
            instances.put(jar, new ManagementClient(managementPort));
        }
        leaders = new TimerLeaders(instances, simulator, timerKeys, PERIOD);
        try {
            // three JVMs starting at once on two cores shared with other builds: seen to take over 90 s
            await("three instances ready").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .failFast("an instance exited", () -> instances.keySet().stream().anyMatch(jar -> !jar.isAlive()))
                    .until(leaders::allReady);
            await("one leader").atMost(Duration.ofSeconds(30)).until(() -> leaders.current().size() == 1);
        } catch (AssertionError | RuntimeException e) {
            // JarProcesses prints the output of a failed test, not of a failed start
            instances.keySet().forEach(jar -> System.out.println(jar.describe()));
            throw e;
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        jars.destroyAll();
        if (zookeeper != null) {
            zookeeper.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Order(1)
    void threeInstancesReportEachTimerKeyOncePerPeriod() throws Exception {
        leaders.assertTimerKeysReportedOncePerPeriod(PERIOD.multipliedBy(4));

        JarProcess any = instances.keySet().iterator().next();
        assertThat(any.outputHasLine("^  timer +every .*runs on the leader of session-reporter-timer \\(ZooKeeper "
                + "127\\.0\\.0\\.1:\\d+/session-reporter\\)")).as("the banner names the cluster service").isTrue();
    }

    @Test
    @Order(2)
    void killMinus9OfTheLeaderHandsTheTimerToAnotherInstanceWithinTheBound() throws Exception {
        leaders.killLeaderAndAwaitTakeover(TAKEOVER_BOUND, SLACK);

        leaders.assertTimerKeysReportedOncePerPeriod(PERIOD.multipliedBy(3));
    }

    private Map<String, String> environment(int managementPort, Path ownFolder) {
        Map<String, String> environment = ProdEnvironment.of(simulator.customerServiceUrl(), FreePort.find(),
                ownFolder.resolve("broker"));
        // port of this instance alone
        environment.put("REPORTER_MANAGEMENT_PORT", Integer.toString(managementPort));
        // the subject: the timer, reported by the leader itself, with periods short enough to count several
        environment.put("REPORTER_TIMER_ENABLED", "true");
        environment.put("REPORTER_TIMER_PERIOD", PERIOD.toSeconds() + "s");
        environment.put("REPORTER_TIMER_INITIAL_DELAY", Long.toString(TIMER_DELAY.toMillis()));
        environment.put("REPORTER_TIMER_SESSION_KEYS", String.join(",", timerKeys));
        // the election: the test's ZooKeeper, with a session short enough for the test's wait (shipped: 10 s)
        environment.put("REPORTER_CLUSTER_ZOOKEEPER_NODES", zookeeper.connectString());
        environment.put("REPORTER_CLUSTER_ZOOKEEPER_SESSION_TIMEOUT", SESSION_TIMEOUT.toSeconds() + "s");
        // a lock-file folder of its own: were the file lock used, every instance would lead
        environment.put("REPORTER_CLUSTER_FILE_ROOT", ownFolder.resolve("cluster").toString());
        return environment;
    }
}
