package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.TestCertificates;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    private static final TestCertificates.Generated EXPIRED = expiredCertificate();
    private static final CustomerServiceSimulator EXPIRED_SERVER = new CustomerServiceSimulator(
            TestSecrets.APPLICATION_TOKEN, TestSecrets.TICKET).startHttps(0, EXPIRED.serverContext());

    @AfterAll
    static void stopServer() {
        HTTPS_SERVER.close();
        OTHER_HOST_SERVER.close();
        EXPIRED_SERVER.close();
    }

    @Nested
    class HostnameVerification extends ReporterTestSupport {
        @Override
        protected Properties extraProperties() {
            // an HTTPS simulator whose certificate names another host
            return pinned(OTHER_HOST_SERVER, OTHER_HOST);
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

    /** Settings reporting to {@code server}, with a trust store holding {@code certificate} only. */
    private static Properties pinned(CustomerServiceSimulator server, TestCertificates.Generated certificate) {
        Properties properties = new Properties();
        // address and trust store: the server under test and its certificate
        properties.setProperty("superoffice.url", server.customerServiceUrl());
        try {
            properties.setProperty("superoffice.tls.trust-store",
                    certificate.writeTrustStore(Files.createTempFile("trust", ".p12")).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.setProperty("superoffice.tls.trust-store-password", "changeit");
        return properties;
    }

    private static TestCertificates.Generated expiredCertificate() {
        try {
            return TestCertificates.expired(Files.createTempDirectory("expired-tls").resolve("expired.p12"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    /**
     * A self-signed certificate pinned in the trust store is its own trust anchor, and the JDK checks no dates on a
     * trust anchor: expired, it was accepted, while an expired CA-signed one is refused.
     */
    @Nested
    class ExpiredPinnedCertificate extends ReporterTestSupport {
        @Override
        protected Properties extraProperties() {
            // an HTTPS simulator whose expired self-signed certificate is pinned
            return pinned(EXPIRED_SERVER, EXPIRED);
        }

        @Test
        void refusesAnExpiredSelfSignedCertificateInTheTrustStoreWithoutRetrying() throws Exception {
            String key = TestSecrets.sessionKey("tls4");
            EXPIRED_SERVER.addSession(key, 34);

            queue().sendText(key);

            CountingInvariant.of(List.of(key)).assertHolds(queue(), k -> EXPIRED_SERVER.acceptedReportCount(k) > 0, context);
            List<Message> deadLetters = queue().browse(QueueClient.DEAD_LETTER_QUEUE);
            assertThat(deadLetters).as("dead-lettered, not reported").hasSize(1);
            Message deadLetter = deadLetters.get(0);
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("TLS certificate not accepted")
                    .contains("expired");
            assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("a certificate does not heal by retrying")
                    .isEqualTo(1);
            assertThat(EXPIRED_SERVER.acceptedReportCount(key)).isZero();
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
