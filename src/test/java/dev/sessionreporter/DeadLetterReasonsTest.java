package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure ends in the dead-letter queue once, with the original body and the reason; transient failures are
 * retried first (maximum-redeliveries = 2 here, so 3 calls), permanent ones are not, invalid input never reaches the
 * server.
 */
class DeadLetterReasonsTest extends ReporterTestSupport {
    private static final long WAIT_MILLIS = 15_000;

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // TIMEOUT dead letters within the test's wait instead of the shipped 10 s per attempt
        properties.setProperty("superoffice.receive-timeout", "500");
        // the cases provoke transient failures back to back: the breaker would open and pause the queue (its own
        // subject in CircuitBreakerTest and ShippedSettingsTest)
        properties.setProperty("reporter.circuit-breaker.enabled", "false");
        return properties;
    }

    @BeforeEach
    void emptyDeadLetterQueue() {
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    static Stream<Arguments> invalidTextBodies() {
        return Stream.of(
                Arguments.of("blank", "   "),
                Arguments.of("too long", "k".repeat(257)),
                Arguments.of("inner whitespace", "abcd efgh"),
                Arguments.of("control character", "abcd\u0001efgh"),
                Arguments.of("malformed JSON", "{\"sessionKey\": \"abcdefgh"),
                Arguments.of("JSON without sessionKey", "{\"key\":\"abcdefgh\"}"),
                Arguments.of("JSON sessionKey not a string", "{\"sessionKey\":12345678}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTextBodies")
    void deadLettersInvalidTextWithoutCallingServer(String description, String body) throws JMSException {
        int callsBefore = SIMULATOR.requestCount();

        queue().sendText(body);

        Message deadLetter = nextDeadLetter();
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(body);
        assertReason(deadLetter, "INVALID_INPUT", 0);
        assertThat(SIMULATOR.requestCount()).as("server not called").isEqualTo(callsBefore);
    }

    @Test
    void deadLettersInvalidUtf8BytesWithOriginalBytes() throws JMSException {
        byte[] invalid = {'a', 'b', (byte) 0xC3, (byte) 0x28, 'c', 'd'};

        queue().sendBytes(invalid);

        Message deadLetter = nextDeadLetter();
        assertThat(deadLetter).isInstanceOf(BytesMessage.class);
        BytesMessage bytes = (BytesMessage) deadLetter;
        byte[] copy = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(copy);
        assertThat(copy).isEqualTo(invalid);
        assertReason(deadLetter, "INVALID_INPUT", 0);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("UTF-8");
    }

    @Test
    void reportsUtf8BytesMessageLikeText() throws Exception {
        String key = TestSecrets.sessionKey("byte");
        SIMULATOR.addSession(key, 31);

        queue().sendBytes(key.getBytes(StandardCharsets.UTF_8));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> SIMULATOR.acceptedReportCount(key) == 1);
    }

    @Test
    void deadLettersNonTextMessageKeepingItsContent() throws JMSException {
        queue().send(QueueClient.INPUT_QUEUE, session -> {
            MapMessage map = session.createMapMessage();
            map.setString("sessionKey", "mapmapmapmap");
            return map;
        });

        Message deadLetter = nextDeadLetter();
        assertThat(deadLetter).isInstanceOf(MapMessage.class);
        assertThat(((MapMessage) deadLetter).getString("sessionKey")).isEqualTo("mapmapmapmap");
        assertReason(deadLetter, "INVALID_INPUT", 0);
    }

    @Test
    void deadLettersUnknownSessionAsSessionNotFound() throws JMSException {
        String key = TestSecrets.sessionKey("unkn");

        queue().sendText(key);

        Message deadLetter = nextDeadLetter();
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(key);
        assertReason(deadLetter, "SESSION_NOT_FOUND", 1);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.MASKED_SESSION_KEY)).isEqualTo("unkn…");
        assertThat(SIMULATOR.requestsFor(key)).hasSize(1);
    }

    static Stream<Arguments> serverFailures() {
        return Stream.of(
                Arguments.of(SimulatedFailure.serverException("SoAccessDeniedException", "No rights to do this"),
                        "SERVER_REJECTED", "SoAccessDeniedException: No rights to do this", 1),
                Arguments.of(SimulatedFailure.soapFault("Object reference not set to an instance of an object"),
                        "SOAP_FAULT", "Object reference not set", 1),
                Arguments.of(SimulatedFailure.httpStatus(404), "HTTP_ERROR", "HTTP 404", 1),
                Arguments.of(SimulatedFailure.httpStatus(500), "HTTP_ERROR", "HTTP 500", 1),
                Arguments.of(SimulatedFailure.httpStatus(503), "HTTP_ERROR", "HTTP 503", 3),
                Arguments.of(SimulatedFailure.httpStatus(502), "HTTP_ERROR", "HTTP 502", 3),
                Arguments.of(SimulatedFailure.httpStatus(504), "HTTP_ERROR", "HTTP 504", 3),
                // throttled: retried with back-off like an unavailable server, not dead-lettered at once
                Arguments.of(SimulatedFailure.httpStatus(429), "HTTP_ERROR", "HTTP 429", 3),
                // the server or a proxy gave up waiting for our request (RFC 9110 15.5.9: the client may repeat it)
                Arguments.of(SimulatedFailure.httpStatus(408), "HTTP_ERROR", "HTTP 408", 3),
                Arguments.of(SimulatedFailure.delay(Duration.ofSeconds(2)), "TIMEOUT", "superoffice.receive-timeout", 3),
                Arguments.of(SimulatedFailure.dropConnection(), "UNREACHABLE", "", 3));
    }

    /** Permanent failures are called once; transient ones 1 + maximum-redeliveries (2) times, then dead-lettered. */
    @ParameterizedTest(name = "{0} -> {1} after {3} call(s)")
    @MethodSource("serverFailures")
    void deadLettersServerFailureWithReasonAfterExpectedCalls(SimulatedFailure failure, String reason, String detail,
            int calls) throws JMSException {
        String key = TestSecrets.sessionKey("fail");
        SIMULATOR.addSession(key, 6);
        SIMULATOR.failFor(key, failure);
        String json = "{\"sessionKey\":\"" + key + "\"}";

        queue().sendText(json);

        Message deadLetter = nextDeadLetter();
        assertThat(((TextMessage) deadLetter).getText()).as("original JSON body").isEqualTo(json);
        assertReason(deadLetter, reason, calls);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains(detail);
        assertThat(SIMULATOR.requestsFor(key)).hasSize(calls);
    }

    @Test
    void recoversWhenTransientFailurePassesWithinRetries() throws Exception {
        String key = TestSecrets.sessionKey("h502");
        SIMULATOR.addSession(key, 9);
        SIMULATOR.failFor(key, SimulatedFailure.failTimes(2, SimulatedFailure.httpStatus(502)));

        queue().sendText(key);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        assertThat(SIMULATOR.requestsFor(key)).hasSize(3);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 500)).isNull();
    }

    @Test
    void aMixedBatchEndsWithEveryKeyReportedOrDeadLetteredWithItsReason() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = TestSecrets.sessionKey("mix" + i);
            keys.add(key);
            if (i % 3 != 0) {
                SIMULATOR.addSession(key, 100 + i);
            }
            if (i % 4 == 1) {
                SIMULATOR.failFor(key, SimulatedFailure.httpStatus(404));
            }
        }

        keys.forEach(queue()::sendText);

        CountingInvariant invariant = CountingInvariant.of(keys);
        invariant.assertHolds(queue(), key -> SIMULATOR.acceptedReportCount(key) > 0, context);
        // the invariant can fail: a key the server never saw and the reporter never dead-lettered is found out
        String neverSent = TestSecrets.sessionKey("never-sent");
        List<String> withAStranger = new ArrayList<>(keys);
        withAStranger.add(neverSent);
        assertThatThrownBy(() -> CountingInvariant.of(withAStranger)
                        .assertHolds(queue(), key -> SIMULATOR.acceptedReportCount(key) > 0, context, Duration.ofSeconds(1)))
                .hasMessageContaining(neverSent.substring(0, 4));
    }

    private Message nextDeadLetter() {
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, WAIT_MILLIS);
        assertThat(deadLetter).as("a message in the dead-letter queue").isNotNull();
        return deadLetter;
    }

    private static void assertReason(Message deadLetter, String reason, int attempts) throws JMSException {
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo(reason);
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(attempts);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("session-reporter-queue-trigger");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).isNotBlank();
    }
}
