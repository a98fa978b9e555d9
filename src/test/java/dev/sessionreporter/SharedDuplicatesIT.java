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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The duplicate window shared by all instances (reporter.duplicates.jdbc.*): two instances of the packaged jar (prod,
 * each its own JVM) consume one external Artemis queue and keep their window in one H2 database, run by the test as a
 * server on 127.0.0.1 (as a team runs its database server; H2's AUTO_SERVER would make one of the instances the
 * database's host, and its death the others' outage). Thirty keys are queued and reported by both instances; then
 * the first is stopped and the keys are queued again within the window: the second instance, which never saw the
 * keys the first reported, suppresses every one, so each key is reported once. With each instance's own memory it
 * would report those again.
 */
@FullSuite
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedDuplicatesIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));
    private static final int KEYS = 30;

    private final Map<JarProcess, ManagementClient> instances = new LinkedHashMap<>();
    private CustomerServiceSimulator simulator;
    private BrokerProcess broker;
    /** H2's org.h2.tools.Server, the database server the instances share. */
    private Object database;
    private int databasePort;

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    @BeforeAll
    void startSimulatorBrokerDatabaseAndTwoInstances() throws Exception {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        simulator = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);
        broker = BrokerProcess.startNew();
        Path databaseFolder = Files.createTempDirectory("session-reporter-h2");
        // loopback only (no -tcpAllowOthers); -ifNotExists: the first instance creates the database
        databasePort = FreePort.find();
        // by reflection: the build's dependency check counts H2 as the runnable jar's driver, not a test library
        Class<?> server = Class.forName("org.h2.tools.Server");
        database = server.getMethod("createTcpServer", String[].class).invoke(null, (Object) new String[] {
                "-tcpPort", Integer.toString(databasePort), "-baseDir", databaseFolder.toString(), "-ifNotExists"});
        server.getMethod("start").invoke(database);
        for (int i = 1; i <= 2; i++) {
            int managementPort = FreePort.find();
            JarProcess jar = jars.start("instance-" + i, environment(managementPort, databaseFolder));
            instances.put(jar, new ManagementClient(managementPort));
        }
        try {
            // JVMs starting at once on two cores shared with other builds: seen to take over 90 s
            await("two instances ready").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .failFast("an instance exited", () -> instances.keySet().stream().anyMatch(jar -> !jar.isAlive()))
                    .until(() -> instances.values().stream().allMatch(SharedDuplicatesIT::ready));
        } catch (AssertionError | RuntimeException e) {
            // JarProcesses prints the output of a failed test, not of a failed start
            instances.keySet().forEach(jar -> System.out.println(jar.describe()));
            throw e;
        }
    }

    @AfterAll
    void stopEverything() {
        jars.destroyAll();
        if (database != null) {
            try {
                database.getClass().getMethod("stop").invoke(database);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        if (broker != null) {
            broker.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void aKeyReportedByOneInstanceIsSuppressedByTheOtherWithinTheWindow() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String key = TestSecrets.sessionKey("sd");
            simulator.addSession(key, 30_000 + i);
            keys.add(key);
        }
        JarProcess first = instances.keySet().iterator().next();
        ManagementClient firstManagement = instances.get(first);
        try (QueueClient queue = new QueueClient(broker.port())) {
            keys.forEach(queue::sendText);
            await("every key reported").atMost(Duration.ofSeconds(60))
                    .until(() -> keys.stream().allMatch(key -> simulator.acceptedReportCount(key) == 1));
            assertThat(firstManagement.metric("sessionreporter_reports_total", "outcome=\"reported\""))
                    .as("keys the first instance reported: the second never saw them").isPositive();

            // only the second instance is left to take the second arrivals. Stopped, not killed: a killed instance's
            // consumers would hold messages until the broker notices, which then come back as redeliveries
            first.terminate();
            assertThat(first.waitForExit(Duration.ofSeconds(60))).isTrue();
            instances.remove(first);
            keys.forEach(queue::sendText);
        }

        ManagementClient second = instances.values().iterator().next();
        await("every second arrival suppressed").atMost(Duration.ofSeconds(60))
                .until(() -> second.metric("sessionreporter_duplicates_suppressed_total") == KEYS);
        for (String key : keys) {
            assertThat(simulator.requestsFor(key)).as("requests for key %s…", key.substring(0, 4)).hasSize(1);
        }
        assertThat(first.output() + instances.keySet().iterator().next().output()).as("no secret in the console")
                .doesNotContain(keys.get(0)).doesNotContain("test-only-database-password")
                .doesNotContain(TestSecrets.TICKET).doesNotContain(TestSecrets.APPLICATION_TOKEN);
    }

    private static boolean ready(ManagementClient management) {
        try {
            return management.readiness() == 200;
        } catch (RuntimeException notYetListening) {
            return false;
        }
    }

    private Map<String, String> environment(int managementPort, Path databaseFolder) {
        Map<String, String> environment = ProdEnvironment.of(simulator.customerServiceUrl(), FreePort.find(),
                databaseFolder.resolve("unused-embedded-broker-" + managementPort));
        // address: the instances share one external broker
        environment.put("BROKER_URL", broker.url());
        // port of this instance alone
        environment.put("REPORTER_MANAGEMENT_PORT", Integer.toString(managementPort));
        // the subject: the duplicate window in the test's database, shared by both instances
        environment.put("REPORTER_DUPLICATES_JDBC_URL", "jdbc:h2:tcp://127.0.0.1:" + databasePort
                + "/duplicates");
        environment.put("REPORTER_DUPLICATES_JDBC_USERNAME", "sa");
        environment.put("REPORTER_DUPLICATES_JDBC_PASSWORD", "test-only-database-password");
        return environment;
    }
}
