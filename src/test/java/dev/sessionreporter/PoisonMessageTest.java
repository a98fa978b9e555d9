package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.QueueClient.JmsFunction;
import dev.sessionreporter.support.QueueDeliveries;
import dev.sessionreporter.support.QueueDeliveries.Delivery;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Poison messages — bodies no session key can be read from — end in the dead-letter queue exactly once as
 * INVALID_INPUT, with their original message type and payload, without a call to the server, without a rollback or a
 * redelivery, leaving the input queue empty and the routes running. Keys with XML metacharacters are valid keys: they
 * are reported once, escaped in the SOAP body.
 */
class PoisonMessageTest extends ReporterTestSupport {
    private static final String KEY = "Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0";
    private static final int TEN_MB = 10 * 1024 * 1024;
    private static final long WAIT_MILLIS = 20_000;

    private QueueDeliveries deliveries;

    @BeforeEach
    void recordDeliveriesAndEmptyDeadLetterQueue() {
        if (deliveries == null) {
            deliveries = QueueDeliveries.attachTo(context);
        }
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @AfterAll
    void stopRecording() {
        if (deliveries != null) {
            deliveries.detachFrom(context);
        }
    }

    /** What the dead-letter message must still carry: the original type and payload. */
    @FunctionalInterface
    interface KeptPayload {
        void check(Message deadLetter) throws JMSException;
    }

    static Stream<Arguments> poisonMessages() {
        byte[] invalidUtf8 = {'a', 'b', 'c', 'd', (byte) 0xC3, (byte) 0x28, 'e', 'f'};
        byte[] utf16 = KEY.getBytes(StandardCharsets.UTF_16);
        return Stream.of(
                poison("map message", session -> {
                    MapMessage map = session.createMapMessage();
                    map.setString("sessionKey", KEY);
                    return map;
                }, deadLetter -> assertThat(((MapMessage) deadLetter).getString("sessionKey")).isEqualTo(KEY)),
                poison("stream message", session -> {
                    StreamMessage stream = session.createStreamMessage();
                    stream.writeString(KEY);
                    stream.writeInt(42);
                    return stream;
                }, deadLetter -> {
                    StreamMessage stream = (StreamMessage) deadLetter;
                    assertThat(stream.readString()).isEqualTo(KEY);
                    assertThat(stream.readInt()).isEqualTo(42);
                }),
                poison("object message holding a String (object messages are never deserialised)",
                        session -> session.createObjectMessage(KEY),
                        deadLetter -> assertThat(((ObjectMessage) deadLetter).getObject()).isEqualTo(KEY)),
                poison("object message holding a class the reporter may not deserialise",
                        session -> session.createObjectMessage(new ArrayList<>(List.of(KEY))),
                        deadLetter -> assertThat(((ObjectMessage) deadLetter).getObject()).isEqualTo(List.of(KEY))),
                poison("text message without text", session -> session.createTextMessage(null), deadLetter -> {
                    assertThat(deadLetter).isInstanceOf(TextMessage.class);
                    assertThat(((TextMessage) deadLetter).getText()).isNull();
                }),
                poisonText("text message with empty text", ""),
                // Artemis delivers a bytes message nothing was written to with four zero bytes, to any consumer: the
                // reporter forwards what it received
                poison("empty bytes message", Session::createBytesMessage,
                        deadLetter -> assertThat(bytesOf(deadLetter)).containsOnly(0)),
                poison("empty map message", Session::createMapMessage,
                        deadLetter -> assertThat(Collections.list(((MapMessage) deadLetter).getMapNames())).isEmpty()),
                poison("message without body", Session::createMessage,
                        deadLetter -> assertThat(deadLetter).isNotInstanceOfAny(TextMessage.class, BytesMessage.class,
                                MapMessage.class, ObjectMessage.class, StreamMessage.class)),
                poisonBytes("invalid UTF-8 bytes", invalidUtf8),
                poisonBytes("UTF-16 bytes", utf16),
                poison("10 MB text", session -> session.createTextMessage(tenMegabytesOfText()),
                        deadLetter -> assertThat(((TextMessage) deadLetter).getText().equals(tenMegabytesOfText()))
                                .as("the 10 MB text, unchanged").isTrue()),
                poison("10 MB bytes", session -> bytesMessage(session, tenMegabytesOfBytes()),
                        deadLetter -> assertThat(Arrays.equals(bytesOf(deadLetter), tenMegabytesOfBytes()))
                                .as("the 10 MB of bytes, unchanged").isTrue()),
                poisonText("JSON array", "[\"" + KEY + "\"]"),
                poisonText("JSON whose sessionKey is an object", "{\"sessionKey\":{\"value\":\"" + KEY + "\"}}"),
                poisonText("JSON whose sessionKey is null", "{\"sessionKey\":null}"),
                poisonText("JSON with the sessionKey field twice",
                        "{\"sessionKey\":\"" + KEY + "\",\"sessionKey\":\"" + KEY.toLowerCase() + "\"}"),
                poisonText("JSON nested deeper than the parser allows", "[".repeat(2000) + "]".repeat(2000)),
                poisonText("JSON key with a NUL escape", "{\"sessionKey\":\"" + KEY + "\\u0000\"}"),
                poisonText("key with XML metacharacters and a lone surrogate", "a<b>&c]]>\uD800" + KEY),
                poisonText("JSON key with ]]> and a lone surrogate escape", "{\"sessionKey\":\"]]>\\ud800" + KEY + "\"}"),
                poisonText("key with U+FFFE, which XML cannot carry", KEY + "\uFFFE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poisonMessages")
    void deadLettersPoisonMessageOnceAsInvalidInputKeepingItsPayload(String description,
            JmsFunction<Session, Message> poison, KeptPayload kept) throws JMSException {
        int callsBefore = SIMULATOR.requestCount();

        String messageId = queue().send(QueueClient.INPUT_QUEUE, poison);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, WAIT_MILLIS);
        assertThat(deadLetter).as("a message in the dead-letter queue").isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("INVALID_INPUT");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isZero();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("session-reporter-queue-trigger");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).isNotBlank().doesNotContain(KEY);
        kept.check(deadLetter);
        assertConsumedOnceAndCommitted(messageId);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 200)).as("dead-lettered once only").isNull();
        assertThat(SIMULATOR.requestCount()).as("server not called").isEqualTo(callsBefore);
    }

    static Stream<Arguments> keysWithXmlMetacharacters() {
        // a fresh key per case: the same key again within reporter.duplicates.window would be a suppressed duplicate
        String metacharacters = "a<b>&c\"d'e]]>f" + uniqueSuffix();
        String inJson = "a<b>&c\"d'e]]>f" + uniqueSuffix();
        String entityLike = "&amp;lt;x&#60;" + uniqueSuffix();
        String cdata = "<![CDATA[" + uniqueSuffix() + "]]>";
        return Stream.of(
                Arguments.of("bare key with < > & \" ' and ]]>", metacharacters, metacharacters),
                Arguments.of("JSON key with < > & \" ' and ]]>", inJson,
                        "{\"sessionKey\":\"" + inJson.replace("\"", "\\\"") + "\"}"),
                Arguments.of("key that looks like escaped text", entityLike, entityLike),
                Arguments.of("key that looks like a CDATA section", cdata, cdata));
    }

    private static String uniqueSuffix() {
        return TestSecrets.sessionKey("xml0").substring(4, 16);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysWithXmlMetacharacters")
    void reportsKeyWithXmlMetacharactersOnceEscapedInTheSoapBody(String description, String key, String body) {
        SIMULATOR.addSession(key, 77);

        String messageId = queue().sendText(body);

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        List<ReceivedRequest> requests = SIMULATOR.requestsFor(key);
        assertThat(requests).hasSize(1);
        String soapBody = requests.get(0).body();
        String sessionKeyElement = soapBody.substring(soapBody.indexOf("SessionKey>") + "SessionKey>".length(),
                soapBody.indexOf("</", soapBody.indexOf("SessionKey>")));
        assertThat(sessionKeyElement)
                .as("the key as XML text: every < and & escaped, no CDATA")
                .isEqualTo(xmlEscaped(key))
                .doesNotContain("<", "]]>");
        assertConsumedOnceAndCommitted(messageId);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 200)).as("nothing dead-lettered").isNull();
        SIMULATOR.removeSession(key);
    }

    /** One delivery, not a redelivery, ended without error (so committed); nothing left on the queue; routes up. */
    private void assertConsumedOnceAndCommitted(String messageId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.of(messageId).stream()
                .anyMatch(delivery -> delivery.outcome() != null));
        List<Delivery> ofMessage = deliveries.of(messageId);
        assertThat(ofMessage).as("deliveries of %s", messageId).hasSize(1);
        assertThat(ofMessage.get(0).deliveryCount()).isEqualTo(1);
        assertThat(ofMessage.get(0).redelivered()).isFalse();
        assertThat(ofMessage.get(0).outcome()).as("committed, not rolled back").isEqualTo("completed");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).as("input queue").isEmpty();
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger").isStarted()).isTrue();
        assertThat(context.getRouteController().getRouteStatus("session-reporter-report").isStarted()).isTrue();
    }

    /** What an XML writer must make of a text value: & and < always escaped, > where it ends ]]> (XML 1.0, 2.4). */
    private static String xmlEscaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("]]>", "]]&gt;");
    }

    private static Arguments poison(String description, JmsFunction<Session, Message> message, KeptPayload kept) {
        return Arguments.of(description, message, kept);
    }

    private static Arguments poisonText(String description, String text) {
        return poison(description, session -> session.createTextMessage(text),
                deadLetter -> assertThat(((TextMessage) deadLetter).getText()).isEqualTo(text));
    }

    private static Arguments poisonBytes(String description, byte[] bytes) {
        return poison(description, session -> bytesMessage(session, bytes),
                deadLetter -> assertThat(bytesOf(deadLetter)).isEqualTo(bytes));
    }

    private static BytesMessage bytesMessage(Session session, byte[] bytes) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(bytes);
        return message;
    }

    private static byte[] bytesOf(Message deadLetter) throws JMSException {
        BytesMessage bytes = (BytesMessage) deadLetter;
        byte[] copy = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(copy);
        return copy;
    }

    private static String tenMegabytesOfText() {
        return (KEY + "\n").repeat(TEN_MB / (KEY.length() + 1) + 1).substring(0, TEN_MB);
    }

    private static byte[] tenMegabytesOfBytes() {
        byte[] bytes = new byte[TEN_MB];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }
}
