package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.RawTcpServer;
import dev.sessionreporter.support.RawTcpServerTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * superoffice.receive-timeout is the deadline of the whole call, not a wait between two bytes: an answer that trickles
 * in a byte at a time, from its first byte or after its headers, or headers followed by silence, ends the call at the
 * deadline as TIMEOUT (retried). Elapsed times are checked only against a generous bound;
 * before the deadline existed, a trickle held a call for as long as the server liked.
 */
class CallDeadlineTest extends RawTcpServerTestSupport {
    private static final long DEADLINE_MILLIS = 2000;

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        // short, so that three attempts of each test stay short; the bounds below are multiples of it
        properties.setProperty("superoffice.receive-timeout", Long.toString(DEADLINE_MILLIS));
        // every test here ends in three timeouts, which would open the circuit breaker for the tests after it
        properties.setProperty("reporter.circuit-breaker.enabled", "false");
        return properties;
    }

    @ParameterizedTest(name = "headers trickled too: {0}")
    @ValueSource(booleans = {false, true})
    void anAnswerTrickledAByteAtATimeEndsAtTheDeadlineAsATimeout(boolean headersToo) throws Exception {
        // a byte every 100 ms: the whole answer would take over 40 s, no wait between two bytes comes near the deadline
        server.behave(RawTcpServer.trickledAnswer(100, headersToo));

        long start = System.nanoTime();
        queue().sendText(TestSecrets.sessionKey("trickle"));

        assertTimedOutThreeTimes(start, 3 * DEADLINE_MILLIS);
    }

    @Test
    void headersFollowedBySilenceEndAtTheDeadlineNotOneReceiveTimeoutAfterTheHeaders() throws Exception {
        // the headers come shortly before the deadline; a wait for the next byte would end at almost twice it
        server.behave(RawTcpServer.headersThenSilence(DEADLINE_MILLIS * 9 / 10));

        long start = System.nanoTime();
        queue().sendText(TestSecrets.sessionKey("silence"));

        // the bound tells the deadline (1x) from a fresh receive timeout after the headers (1.9x)
        assertTimedOutThreeTimes(start, DEADLINE_MILLIS * 3 / 2);
    }

    private void assertTimedOutThreeTimes(long start, long boundMillisPerCall) throws Exception {
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 20_000);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(deadLetter).as("dead-lettered").isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("TIMEOUT");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL))
                .isEqualTo("no complete answer within " + DEADLINE_MILLIS + " ms (superoffice.receive-timeout)");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("retried").isEqualTo(3);
        assertThat(server.requestHeads()).as("one request per attempt").hasSize(3);
        // three calls, each ended at its deadline, and the short retry delays between them
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(3 * DEADLINE_MILLIS).isLessThan(3 * boundMillisPerCall + 1000);
    }
}
