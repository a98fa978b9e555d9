package dev.sessionreporter.support;

import dev.sessionreporter.SessionReporterConfiguration;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the real application — ./application.properties, ./routes/*.camel.yaml, the configuration class, an embedded
 * Artemis broker with a TCP acceptor — against the strict simulator over real HTTP on loopback. One Camel context per
 * test class; {@link #extraProperties()} adjusts the configuration for a class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReporterTestSupport extends CamelMainTestSupport {
    protected static final CustomerServiceSimulator SIMULATOR =
            new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).start(0);

    // Assigned while the super constructor asks for the override properties; no initializer, so they stay set.
    protected int brokerPort;
    protected Path brokerDataDir;
    private QueueClient queueClient;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        brokerPort = FreePort.find();
        try {
            brokerDataDir = Files.createTempDirectory("session-reporter-broker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Everything else is application.properties as shipped (the circuit breaker included: a test that provokes many
        // transient failures says why it turns it off). ShippedSettingsTest runs the shipped retries too.
        Properties properties = new Properties();
        // address: the simulator on loopback
        properties.setProperty("superoffice.url", SIMULATOR.customerServiceUrl());
        // credentials the simulator accepts (the shipped values are empty)
        properties.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        properties.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // port and folder: one broker per test class, never the shipped 61616 and ./data/broker of a running reporter
        properties.setProperty("broker.embedded.port", Integer.toString(brokerPort));
        properties.setProperty("broker.embedded.data-dir", brokerDataDir.toString());
        // folder: the timer's leader lock (file-lock cluster service) of this context alone
        properties.setProperty("reporter.cluster.file.root", brokerDataDir.resolve("cluster").toString());
        // the shipped timer has no keys; timer tests switch it on with theirs, the others count only queue calls
        properties.setProperty("reporter.timer.enabled", "false");
        // the shipped back-off (1 s doubling to 30 s, 3 retries) would make every failing key wait 7 s
        properties.setProperty("reporter.retry.maximum-redeliveries", "2");
        properties.setProperty("reporter.retry.redelivery-delay", "20");
        properties.setProperty("reporter.retry.maximum-redelivery-delay", "100");
        // port: the shipped fixed 9876 may be in use; the tests of health and metrics give it a free port
        properties.setProperty("reporter.management.enabled", "false");
        properties.putAll(extraProperties());
        return properties;
    }

    /** Properties a test class changes; called from the constructor, so it must not read instance fields. */
    protected Properties extraProperties() {
        return new Properties();
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(SessionReporterConfiguration.class);
    }

    @BeforeEach
    void resetSimulator() {
        SIMULATOR.clearFailures();
        SIMULATOR.clearRequests();
    }

    /** A JMS client connected over TCP, as another process would be. */
    protected QueueClient queue() {
        if (queueClient == null) {
            queueClient = new QueueClient(brokerPort);
        }
        return queueClient;
    }

    /** The per-class context is otherwise only stopped when the JVM ends; its broker and timer must not outlive the class. */
    @AfterAll
    void stopReporter() {
        if (queueClient != null) {
            queueClient.close();
        }
        context.stop();
    }
}
