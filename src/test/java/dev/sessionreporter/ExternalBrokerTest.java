package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.broker.EmbeddedBroker;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** With broker.url set, the reporter uses that broker for input and dead letters and starts no broker of its own. */
class ExternalBrokerTest extends ReporterTestSupport {
    private static final int EXTERNAL_PORT = FreePort.find();
    private static final EmbeddedActiveMQ EXTERNAL = startExternalBroker();

    private static EmbeddedActiveMQ startExternalBroker() {
        try {
            var configuration = new ConfigurationImpl()
                    .setPersistenceEnabled(true)
                    .setSecurityEnabled(false)
                    .setJournalDirectory(Files.createTempDirectory("external-broker").toString())
                    .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + EXTERNAL_PORT);
            configuration.setBindingsDirectory(configuration.getJournalDirectory() + "/bindings");
            configuration.setLargeMessagesDirectory(configuration.getJournalDirectory() + "/large");
            configuration.setPagingDirectory(configuration.getJournalDirectory() + "/paging");
            return new EmbeddedActiveMQ().setConfiguration(configuration).start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the external test broker", e);
        }
    }

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // address: the external broker is the subject
        properties.setProperty("broker.url", "tcp://127.0.0.1:" + EXTERNAL_PORT);
        return properties;
    }

    /** The reporter first: stopping the broker under it would be an outage (a WARN and a reconnect loop while stopping). */
    @AfterAll
    void stopExternalBroker() throws Exception {
        context.stop();
        EXTERNAL.stop();
    }

    @Test
    void consumesAndDeadLettersOnTheExternalBrokerAndStartsNoEmbeddedOne() throws Exception {
        String good = TestSecrets.sessionKey("extb");
        String unknown = TestSecrets.sessionKey("extu");
        SIMULATOR.addSession(good, 77);

        try (QueueClient external = new QueueClient(EXTERNAL_PORT)) {
            external.sendText(good);
            external.sendText(unknown);

            await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(good) == 1);
            Message deadLetter = external.receive(QueueClient.DEAD_LETTER_QUEUE, 10_000);
            assertThat(deadLetter).isNotNull();
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
        }
        assertThat(context.hasService(EmbeddedBroker.class)).isNull();
        assertThat(isListening(brokerPort)).as("nothing listens on broker.embedded.port").isFalse();
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
