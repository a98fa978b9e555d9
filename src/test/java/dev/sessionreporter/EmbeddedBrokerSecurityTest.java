package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker's TCP acceptor: with broker.username and broker.password set it accepts that user only (the
 * dead-letter queue holds full session keys), and the reporter itself logs in as that user; without them it must stay
 * on loopback.
 */
class EmbeddedBrokerSecurityTest extends ReporterTestSupport {
    private static final String USER = "reporter-broker-user";
    private static final String PASSWORD = "broker-pw-" + TestSecrets.TICKET;

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the broker's one user, which the reporter's own connection must use too
        properties.setProperty("broker.username", USER);
        properties.setProperty("broker.password", PASSWORD);
        return properties;
    }

    @Test
    void refusesAnonymousClientsAndReportsKeysSentByTheUser() throws Exception {
        String url = "tcp://127.0.0.1:" + brokerPort;
        try (ActiveMQConnectionFactory anonymous = new ActiveMQConnectionFactory(url)) {
            assertThatThrownBy(() -> anonymous.createConnection().close())
                    .as("a client without the user").isInstanceOf(JMSSecurityException.class);
        }
        try (ActiveMQConnectionFactory wrongPassword = new ActiveMQConnectionFactory(url, USER, "wrong")) {
            assertThatThrownBy(() -> wrongPassword.createConnection().close())
                    .as("a client with a wrong password").isInstanceOf(JMSSecurityException.class);
        }

        String key = TestSecrets.sessionKey("sec1");
        SIMULATOR.addSession(key, 4711);
        try (ActiveMQConnectionFactory user = new ActiveMQConnectionFactory(url, USER, PASSWORD);
                Connection connection = user.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("superoffice.session-active"))) {
            producer.send(session.createTextMessage(key));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
    }

    @Test
    void refusesANonLoopbackAcceptorWithoutAUser() throws Exception {
        Path dataDir = Files.createTempDirectory("session-reporter-broker");
        Main main = new Main();
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        Properties overrides = new Properties();
        // a configuration that starts otherwise: only the broker's acceptor is under test
        overrides.setProperty("superoffice.url", SIMULATOR.customerServiceUrl());
        overrides.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        overrides.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // TEST-NET-1 (RFC 5737): no machine has it, so nothing could ever listen there, fix or no fix
        overrides.setProperty("broker.embedded.host", "192.0.2.10");
        // a folder of this test, should the broker start
        overrides.setProperty("broker.embedded.data-dir", dataDir.toString());
        overrides.setProperty("reporter.cluster.file.root", dataDir.resolve("cluster").toString());
        // not under test
        overrides.setProperty("reporter.management.enabled", "false");
        main.setOverrideProperties(overrides);
        try {
            Throwable failure = catchThrowable(main::start);
            StartupConfigurationException error = Causes.find(failure, StartupConfigurationException.class);
            assertThat(error).as("a start-up configuration error, not %s", failure).isNotNull();
            assertThat(error.getMessage()).contains("broker.embedded.host=192.0.2.10")
                    .contains("broker.username").contains("broker.password");
        } finally {
            main.stop();
        }
    }
}
