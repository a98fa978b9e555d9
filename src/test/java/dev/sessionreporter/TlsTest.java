package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.TestCertificates;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * HTTPS to a server whose certificate is trusted through superoffice.tls.trust-store works; to a server whose
 * certificate nobody trusts (the JVM default trust store does not know it) it fails with a clear, non-retried error.
 */
class TlsTest {
    private static final CustomerServiceSimulator HTTPS_SERVER = new CustomerServiceSimulator(TestSecrets.APPLICATION_TOKEN,
            TestSecrets.TICKET).startHttps(0, TestCertificates.localhost().serverContext());

    /** Trusted (its certificate is in the trust store) but issued for another host name than 127.0.0.1. */
    private static final TestCertificates.Generated OTHER_HOST = otherHostCertificate();
    private static final CustomerServiceSimulator OTHER_HOST_SERVER = new CustomerServiceSimulator(
            TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).startHttps(0, OTHER_HOST.serverContext());

    @AfterAll
    static void stopServer() {
        HTTPS_SERVER.close();
        OTHER_HOST_SERVER.close();
    }

    @Nested
    class HostnameVerification extends ReporterTestSupport {
        @Override
        protected Properties extraProperties() {
            Properties properties = new Properties();
            // address and trust store: an HTTPS simulator whose certificate names another host
            properties.setProperty("superoffice.url", OTHER_HOST_SERVER.customerServiceUrl());
            try {
                properties.setProperty("superoffice.tls.trust-store",
                        OTHER_HOST.writeTrustStore(Files.createTempFile("trust-other", ".p12")).toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            properties.setProperty("superoffice.tls.trust-store-password", "changeit");
            return properties;
        }

        @Test
        void refusesATrustedCertificateIssuedForAnotherHost() throws Exception {
            String key = TestSecrets.sessionKey("tls3");
            OTHER_HOST_SERVER.addSession(key, 33);

            queue().sendText(key);

            Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
            assertThat(deadLetter).isNotNull();
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("hostname does not match");
            assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("a certificate does not heal by retrying")
                    .isEqualTo(1);
            assertThat(OTHER_HOST_SERVER.acceptedReportCount(key)).as("hostname verification is on").isZero();
        }
    }

    private static TestCertificates.Generated otherHostCertificate() {
        try {
            Path dir = Files.createTempDirectory("other-host-tls");
            return TestCertificates.generate(dir.resolve("other-host.p12"), "dns:crm.example.com");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Nested
    class WithTrustStore extends ReporterTestSupport {
        @Override
        protected Properties extraProperties() {
            Properties properties = new Properties();
            // address and trust store: the HTTPS simulator and its certificate
            properties.setProperty("superoffice.url", HTTPS_SERVER.customerServiceUrl());
            properties.setProperty("superoffice.tls.trust-store", trustStore().toString());
            properties.setProperty("superoffice.tls.trust-store-password", "changeit");
            return properties;
        }

        @Test
        void reportsOverHttpsWithTheConfiguredTrustStore() {
            String key = TestSecrets.sessionKey("tls1");
            HTTPS_SERVER.addSession(key, 31);

            queue().sendText(key);

            await().atMost(Duration.ofSeconds(15)).until(() -> HTTPS_SERVER.acceptedReportCount(key) == 1);
            assertThat(HTTPS_SERVER.customerServiceUrl()).startsWith("https://");
        }
    }

    @Nested
    class WithoutTrustStore extends ReporterTestSupport {
        @Override
        protected Properties extraProperties() {
            Properties properties = new Properties();
            // address: the HTTPS simulator, whose certificate the JVM's default trust store does not hold
            properties.setProperty("superoffice.url", HTTPS_SERVER.customerServiceUrl());
            return properties;
        }

        @Test
        void refusesAnUntrustedCertificateWithoutRetrying() throws Exception {
            String key = TestSecrets.sessionKey("tls2");
            HTTPS_SERVER.addSession(key, 32);

            queue().sendText(key);

            Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
            assertThat(deadLetter).isNotNull();
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("TLS certificate not accepted");
            assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("a certificate does not heal by retrying")
                    .isEqualTo(1);
            assertThat(HTTPS_SERVER.acceptedReportCount(key)).isZero();
        }
    }

    private static Path trustStore() {
        try {
            return TestCertificates.localhost().writeTrustStore(Files.createTempFile("trust", ".p12"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
