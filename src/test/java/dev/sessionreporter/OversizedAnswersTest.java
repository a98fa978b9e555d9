package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.RawTcpServer;
import dev.sessionreporter.support.RawTcpServerTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An answer over superoffice.max-answer-size (64KB as shipped) — declared so, chunked, or endless — is INVALID_ANSWER
 * at once, not retried, and the reporter stops reading it at the limit: the server sees the connection closed long
 * before its answer is out, so no more than the limit is held in memory however large the answer.
 */
class OversizedAnswersTest extends RawTcpServerTestSupport {
    private static final int SIXTEEN_MB = 16 * 1024 * 1024;

    @Test
    void anAnswerDeclaringMoreThanTheLimitIsAnInvalidAnswerAndIsNotRead() throws Exception {
        server.behave(RawTcpServer.paddedAnswer(SIXTEEN_MB));

        queue().sendText(TestSecrets.sessionKey("huge"));

        Message deadLetter = deadLetter();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL))
                .contains("65536 bytes (superoffice.max-answer-size)").contains("Content-Length " + SIXTEEN_MB);
        assertConnectionClosedEarly();
    }

    @ParameterizedTest(name = "chunked: {0}")
    @ValueSource(booleans = {true, false})
    void anEndlessAnswerIsCutAtTheLimitAsAnInvalidAnswer(boolean chunked) throws Exception {
        server.behave(RawTcpServer.endlessAnswer(chunked));

        queue().sendText(TestSecrets.sessionKey("endless"));

        Message deadLetter = deadLetter();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL))
                .contains("65536 bytes (superoffice.max-answer-size)").contains("cut after 65537 bytes");
        assertConnectionClosedEarly();
    }

    @Test
    void anAnswerJustUnderTheLimitIsReported() throws Exception {
        server.behave(RawTcpServer.paddedAnswer(60_000));

        queue().sendText(TestSecrets.sessionKey("large-ok"));

        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 3_000)).as("no dead letter").isNull();
        assertThat(server.requestHeads()).hasSize(1);
        assertThat(server.answersCut()).isEmpty();
    }

    private Message deadLetter() throws Exception {
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).as("dead-lettered").isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("INVALID_ANSWER");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("not retried").isEqualTo(1);
        assertThat(server.requestHeads()).as("one request on the wire").hasSize(1);
        return deadLetter;
    }

    /** The server's write failed because the reporter closed the connection, long before 16 MB were out. */
    private void assertConnectionClosedEarly() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !server.answersCut().isEmpty());
        // loopback socket buffers take a few MB before the server's write blocks; the reader took 64 KB of it
        assertThat(server.answersCut().get(0)).isLessThan(SIXTEEN_MB);
    }
}
