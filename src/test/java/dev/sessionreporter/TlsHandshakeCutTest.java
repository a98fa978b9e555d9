package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.RawTcpServer;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.jms.Message;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS handshake that a load balancer cuts (the connection closed or reset before the server's certificate) is a
 * transient failure: retried, dead-lettered as UNREACHABLE only after the retries, and counted by the circuit breaker.
 * Certificate, path and hostname failures stay permanent (TlsTest).
 */
class TlsHandshakeCutTest extends ReporterTestSupport {
    private static final RawTcpServer SERVER = new RawTcpServer(RawTcpServer.closeDuringTlsHandshake());

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the far side is a TCP server that cuts the TLS handshake
        properties.setProperty("superoffice.url", SERVER.url("https"));
        // the test is about the breaker counting handshake failures: on, opening at the sixth failed call of six
        properties.setProperty("reporter.circuit-breaker.enabled", "true");
        properties.setProperty("reporter.circuit-breaker.minimum-number-of-calls", "6");
        properties.setProperty("reporter.circuit-breaker.sliding-window-size", "6");
        // long enough that the breaker is still open when the test looks
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "60s");
        return properties;
    }

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    @Test
    void aHandshakeClosedOrResetIsRetriedAndCountsAgainstTheCircuitBreaker() throws Exception {
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker", CircuitBreaker.class);

        SERVER.behave(RawTcpServer.closeDuringTlsHandshake());
        assertDeadLetteredAsTransientHandshakeFailure(TestSecrets.sessionKey("cutclose"), "TLS handshake cut");
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();

        SERVER.behave(RawTcpServer.resetDuringTlsHandshake());
        // the JDK reports a reset during the handshake as a plain SocketException
        assertDeadLetteredAsTransientHandshakeFailure(TestSecrets.sessionKey("cutreset"), "SocketException: Connection reset");
        assertThat(breaker.getState()).as("6 failed calls of 6").isEqualTo(CircuitBreaker.State.OPEN);
    }

    private void assertDeadLetteredAsTransientHandshakeFailure(String key, String detail) throws Exception {
        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).startsWith(detail);
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(3);
    }
}
