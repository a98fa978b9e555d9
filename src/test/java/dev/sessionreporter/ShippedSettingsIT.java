package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.jar.JarProcesses;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ShippedSettingsScenarios;
import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged jar as users run it for real: {@code java -jar} in the prod profile from the project root, with
 * application.properties as shipped. Only the SuperOffice address (the simulator on loopback, which prod accepts over
 * plain http) and credentials, the ports and the folders come from the environment. The same scenarios run in-process
 * in {@link ShippedSettingsTest}.
 */
@FullSuite
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShippedSettingsIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("session-reporter.jar",
            PROJECT_ROOT.resolve("target/session-reporter.jar").toString()));

    private final CustomerServiceSimulator simulator =
            new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);

    @RegisterExtension
    final JarProcesses jars = new JarProcesses(JAR, PROJECT_ROOT);

    private JarProcess reporter;
    private QueueClient queue;
    private ShippedSettingsScenarios scenarios;

    @BeforeAll
    void startTheJarInProd() throws Exception {
        assertThat(JAR).as("the packaged jar (mvn package)").isRegularFile();
        Path folder = Files.createTempDirectory("session-reporter-shipped-jar");
        int brokerPort = FreePort.find();
        int managementPort = FreePort.find();
        Map<String, String> environment = Map.of(
                "CAMEL_MAIN_PROFILE", "prod",
                // address and credentials
                "SUPEROFFICE_URL", simulator.customerServiceUrl(),
                "SUPEROFFICE_APPLICATION_TOKEN", TestSecrets.APPLICATION_TOKEN,
                "SUPEROFFICE_TICKET", TestSecrets.TICKET,
                // ports and folders of this test alone
                "BROKER_EMBEDDED_PORT", Integer.toString(brokerPort),
                "BROKER_EMBEDDED_DATA_DIR", folder.resolve("broker").toString(),
                "REPORTER_CLUSTER_FILE_ROOT", folder.resolve("cluster").toString(),
                "REPORTER_MANAGEMENT_PORT", Integer.toString(managementPort));
        reporter = jars.start("prod-shipped", environment);
        Pattern started = Pattern.compile("Session reporter started \\(profile prod");
        await("the jar's queue consumer").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .failFast("the reporter exited", () -> !reporter.isAlive())
                .until(() -> reporter.output().lines().anyMatch(line -> started.matcher(line).find()));
        queue = new QueueClient(brokerPort);
        scenarios = new ShippedSettingsScenarios(simulator, queue, managementPort);
    }

    @AfterAll
    void stop() {
        if (queue != null) {
            queue.close();
        }
        jars.destroyAll();
        simulator.close();
    }

    @Test
    @Order(1)
    void knownSessionIsReported() {
        scenarios.knownSessionIsReported();
    }

    @Test
    @Order(2)
    void unknownSessionIsDeadLetteredAsNotFound() throws Exception {
        scenarios.unknownSessionIsDeadLetteredAsNotFound();
    }

    @Test
    @Order(3)
    void rejectedReportIsDeadLetteredAsRejected() throws Exception {
        scenarios.rejectedReportIsDeadLetteredAsRejected();
    }

    @Test
    @Order(4)
    void transientFailureIsReportedOnTheShippedRetry() {
        scenarios.transientFailureIsReportedOnTheShippedRetry();
    }

    @Test
    @Order(5)
    void endlessTransientFailureIsDeadLetteredWithItsReasonAfterTheShippedAttempts() throws Exception {
        scenarios.endlessTransientFailureIsDeadLetteredWithItsReasonAfterTheShippedAttempts();
        assertThat(reporter.output()).as("the jar's log names the reason and the attempts")
                .containsPattern("dead-lettered: reason=HTTP_ERROR, attempts=4");
    }

    @Test
    @Order(6)
    void circuitBreakerOpensOnAnOutageAndClosesAfterTheShippedWait() {
        scenarios.circuitBreakerOpensOnAnOutageAndClosesAfterTheShippedWait(() -> await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> reporter.outputContains("circuit breaker OPEN, queue consumption paused for 30 s")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> reporter.outputContains("Circuit breaker CLOSED: SuperOffice answers again"));
        assertThat(reporter.output()).as("no secret in the console output")
                .doesNotContain(TestSecrets.TICKET).doesNotContain(TestSecrets.APPLICATION_TOKEN);
    }
}
