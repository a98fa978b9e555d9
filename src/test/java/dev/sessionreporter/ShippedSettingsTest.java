package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ShippedSettingsScenarios;
import dev.sessionreporter.support.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Camel Main in-process with ./application.properties and ./routes exactly as shipped: only the SuperOffice address
 * and credentials, the ports and the folders are set here. No retry, breaker or timeout value is changed, so that a
 * shipped value that cannot work (e.g. a duration an option does not accept) fails here. The same scenarios run
 * against the packaged jar in {@link ShippedSettingsIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShippedSettingsTest extends CamelMainTestSupport {
    private static final CustomerServiceSimulator SIMULATOR =
            new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);

    private int brokerPort;
    private int managementPort;
    private QueueClient queue;
    private ShippedSettingsScenarios scenarios;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        brokerPort = FreePort.find();
        managementPort = FreePort.find();
        Path folder;
        try {
            folder = Files.createTempDirectory("session-reporter-shipped");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties properties = new Properties();
        // address and credentials: the simulator on loopback
        properties.setProperty("superoffice.url", SIMULATOR.customerServiceUrl());
        properties.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        properties.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // ports and folders of this test alone
        properties.setProperty("broker.embedded.port", Integer.toString(brokerPort));
        properties.setProperty("broker.embedded.data-dir", folder.resolve("broker").toString());
        properties.setProperty("reporter.cluster.file.root", folder.resolve("cluster").toString());
        properties.setProperty("reporter.management.port", Integer.toString(managementPort));
        return properties;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(SessionReporterConfiguration.class);
    }

    private ShippedSettingsScenarios scenarios() {
        if (scenarios == null) {
            queue = new QueueClient(brokerPort);
            scenarios = new ShippedSettingsScenarios(SIMULATOR, queue, managementPort);
        }
        return scenarios;
    }

    @AfterAll
    void stopReporter() {
        if (queue != null) {
            queue.close();
        }
        context.stop();
        SIMULATOR.close();
    }

    @Test
    @Order(1)
    void knownSessionIsReported() {
        scenarios().knownSessionIsReported();
    }

    @Test
    @Order(2)
    void unknownSessionIsDeadLetteredAsNotFound() throws Exception {
        scenarios().unknownSessionIsDeadLetteredAsNotFound();
    }

    @Test
    @Order(3)
    void rejectedReportIsDeadLetteredAsRejected() throws Exception {
        scenarios().rejectedReportIsDeadLetteredAsRejected();
    }

    @Test
    @Order(4)
    void transientFailureIsReportedOnTheShippedRetry() {
        scenarios().transientFailureIsReportedOnTheShippedRetry();
    }

    @Test
    @Order(5)
    void endlessTransientFailureIsDeadLetteredWithItsReasonAfterTheShippedAttempts() throws Exception {
        scenarios().endlessTransientFailureIsDeadLetteredWithItsReasonAfterTheShippedAttempts();
    }

    @Test
    @Order(6)
    void circuitBreakerOpensOnAnOutageAndClosesAfterTheShippedWait() {
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker",
                CircuitBreaker.class);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        scenarios().circuitBreakerOpensOnAnOutageAndClosesAfterTheShippedWait(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> context.getRouteController().getRouteStatus("session-reporter-queue-trigger") == ServiceStatus.Suspended);
        });
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger")).isEqualTo(ServiceStatus.Started);
    }
}
