package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.breaker.CircuitState;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.RawTcpServer;
import dev.sessionreporter.support.RawTcpServerTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A hostile SuperOffice that answers by key — well, oversized, endless, trickling, silent after its headers — with the
 * reporter's shipped consumers, retries and circuit breaker: every key is reported or dead-lettered with its reason,
 * nothing is lost, and the reporter is ready again afterwards.
 */
class OversizedAndSlowAnswersTest extends RawTcpServerTestSupport {

    @Override
    protected Properties moreProperties() {
        Properties properties = new Properties();
        // short, so that the retried timeouts of the trickling and silent keys end within the scenario's wait
        properties.setProperty("superoffice.receive-timeout", "1000");
        // the reported keys, for the counting invariant (as shipped, successes only go to the log)
        properties.setProperty("reporter.result.uri", "mock:reported");
        return properties;
    }

    @Test
    void everyKeyIsReportedOrDeadLetteredWithItsReasonWhateverTheServerAnswers() throws Exception {
        Map<String, RawTcpServer.Behaviour> behaviours = new LinkedHashMap<>();
        Map<String, String> expectedReasons = new HashMap<>();
        // enough good keys that the six timeouts (two keys, three attempts each) stay under the circuit breaker's 50 %
        List<String> wellAnswered = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            wellAnswered.add(TestSecrets.sessionKey("well" + i));
            behaviours.put(wellAnswered.get(i), RawTcpServer.paddedAnswer(1000));
        }
        add(behaviours, expectedReasons, "huge", RawTcpServer.paddedAnswer(16 * 1024 * 1024), "INVALID_ANSWER");
        add(behaviours, expectedReasons, "endless-chunked", RawTcpServer.endlessAnswer(true), "INVALID_ANSWER");
        add(behaviours, expectedReasons, "endless-until-close", RawTcpServer.endlessAnswer(false), "INVALID_ANSWER");
        add(behaviours, expectedReasons, "trickle", RawTcpServer.trickledAnswer(100, false), "TIMEOUT");
        add(behaviours, expectedReasons, "silence", RawTcpServer.headersThenSilence(0), "TIMEOUT");
        server.behave(RawTcpServer.byKey(behaviours, RawTcpServer.resetAfterRequest()));
        List<String> keys = new ArrayList<>(behaviours.keySet());

        keys.forEach(queue()::sendText);

        CountingInvariant.of(keys).assertHolds(queue(), reported()::contains, context);
        assertThat(reported()).as("the keys answered well").containsExactlyInAnyOrderElementsOf(wellAnswered);
        // oversized and endless answers are not outages: with the six timeouts they stay under the breaker's threshold
        assertThat(context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitState", CircuitState.class).isOpen())
                .as("circuit breaker open").isFalse();
        Map<String, String> reasons = new HashMap<>();
        for (Message deadLetter : queue().browse(QueueClient.DEAD_LETTER_QUEUE)) {
            reasons.put(deadLetter.getBody(String.class), deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON));
        }
        assertThat(reasons).isEqualTo(expectedReasons);
    }

    private List<String> reported() {
        return getMockEndpoint("mock:reported").getReceivedExchanges().stream()
                .map(exchange -> exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class)).toList();
    }

    private static void add(Map<String, RawTcpServer.Behaviour> behaviours, Map<String, String> expectedReasons,
            String name, RawTcpServer.Behaviour behaviour, String reason) {
        String key = TestSecrets.sessionKey(name);
        behaviours.put(key, behaviour);
        expectedReasons.put(key, reason);
    }
}
