package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.RawTcpServer;
import dev.sessionreporter.support.RawTcpServerTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import org.junit.jupiter.api.Test;

/**
 * Failures below HTTP, over real sockets on loopback: which are retried, which are dead-lettered at once, and that
 * every attempt the dead letter counts is exactly one request on the wire.
 */
class TransportFailuresTest extends RawTcpServerTestSupport {

    @Test
    void aConnectionResetBeforeTheAnswerIsRetriedByTheReporterAndNeverResentSilently() throws Exception {
        server.behave(RawTcpServer.resetAfterRequest());
        String key = TestSecrets.sessionKey("rst");

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(3);
        // HttpURLConnection re-sends a POST once by itself unless told not to; each attempt must be one request
        assertThat(server.requestHeads()).as("requests on the wire").hasSize(3);
        assertThat(server.requestHeads()).allSatisfy(head -> assertThat(head)
                .containsIgnoringCase("\r\nContent-Length: ").doesNotContainIgnoringCase("Transfer-Encoding"));
    }

    @Test
    void anAnswerThatIsNotHttpIsDeadLetteredAtOnce() throws Exception {
        server.behave(RawTcpServer.answer("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
        String key = TestSecrets.sessionKey("nohttp");

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).startsWith("I/O error, not retried");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNEXPECTED_ERROR");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("a protocol error does not heal").isEqualTo(1);
        assertThat(server.requestHeads()).hasSize(1);
    }
}
