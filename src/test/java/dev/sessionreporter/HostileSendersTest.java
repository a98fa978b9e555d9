package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.QueueDeliveries;
import dev.sessionreporter.support.QueueDeliveries.Delivery;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Senders are not trusted: what a sender sets on a queue message beyond its body and its own properties changes
 * nothing. The queue trigger is one-way — a JMSReplyTo gets no answer and does not turn the dead-letter send into a
 * request that waits for a reply; the reporter's own marks are not taken from a sender; the dead letter drops what
 * would instruct the broker. Every scenario ends with the counting invariant.
 */
class HostileSendersTest extends ReporterTestSupport {
    /** Where a hostile sender asks for answers. */
    private static final String REPLY_QUEUE = "hostile.replies";
    private static final long WAIT_MILLIS = 20_000;

    private QueueDeliveries deliveries;

    @BeforeEach
    void recordDeliveriesAndEmptyQueues() {
        if (deliveries == null) {
            deliveries = QueueDeliveries.attachTo(context);
        }
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
        queue().drain(REPLY_QUEUE);
    }

    @AfterAll
    void stopRecording() {
        if (deliveries != null) {
            deliveries.detachFrom(context);
        }
    }

    @Test
    void reportsAKeyWithReplyToOnceAndSendsNothingToTheReplyQueue() {
        String key = TestSecrets.sessionKey("rply");
        SIMULATOR.addSession(key, 4711);

        String messageId = sendWithReplyTo(key);

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        assertEndedOnceAndCommitted(messageId);
        assertThat(queue().receive(REPLY_QUEUE, 500)).as("no answer to the sender's reply-to").isNull();
        assertThat(SIMULATOR.requestsFor(key)).as("called once").hasSize(1);
        assertInvariant(List.of(key));
        SIMULATOR.removeSession(key);
    }

    @Test
    void deadLettersAFailingKeyWithReplyToAtOnceWithItsReason() throws JMSException {
        // unknown to the simulator: SESSION_NOT_FOUND, a permanent failure dead-lettered at once
        String key = TestSecrets.sessionKey("rplf");

        String messageId = sendWithReplyTo(key);

        Message deadLetter = awaitDeadLetter();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(key);
        assertThat(deadLetter.getJMSReplyTo()).as("the dead letter carries no reply-to").isNull();
        assertEndedOnceAndCommitted(messageId);
        assertThat(SIMULATOR.requestsFor(key)).as("called once, not once per broker redelivery").hasSize(1);
        assertThat(queue().receive(REPLY_QUEUE, 500)).as("no answer to the sender's reply-to").isNull();
        assertInvariant(List.of(key));
    }

    /**
     * Forty failing keys with a reply-to ahead of a good one: by the time the good key is reported, each of the forty
     * has been called once and dead-lettered once with its reason, none rolled back — no consumer sat waiting for a
     * reply to a dead letter.
     */
    @Test
    void fortyReplyToMessagesAheadOfAGoodKeyEachEndOnceWithoutWaitingForAReply() {
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            failing.add(TestSecrets.sessionKey("rp" + i));
        }
        String good = TestSecrets.sessionKey("rpok");
        SIMULATOR.addSession(good, 4242);
        List<String> messageIds = new ArrayList<>();

        // sent while the route runs (a paused consumer gives its buffered messages back as redelivered): the queue is
        // first in, first out, so the good key is taken after the forty
        failing.forEach(key -> messageIds.add(sendWithReplyTo(key)));
        queue().sendText(good);

        await().atMost(Duration.ofSeconds(60)).until(() -> SIMULATOR.acceptedReportCount(good) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue().browse(QueueClient.DEAD_LETTER_QUEUE).size() >= 40);

        assertThat(failing.stream().filter(key -> SIMULATOR.requestsFor(key).size() != 1).toList())
                .as("failing keys not called exactly once").isEmpty();
        List<Message> deadLetters = queue().browse(QueueClient.DEAD_LETTER_QUEUE);
        assertThat(deadLetters).hasSize(40)
                .allSatisfy(deadLetter -> assertThat(QueueClient.property(ReporterHeaders.FAILURE_REASON, String.class)
                        .apply(deadLetter)).isEqualTo("SESSION_NOT_FOUND"));
        messageIds.forEach(this::assertEndedOnceAndCommitted);
        assertThat(queue().browse(REPLY_QUEUE)).as("no answers to the senders' reply-to").isEmpty();
        List<String> sent = new ArrayList<>(failing);
        sent.add(good);
        assertInvariant(sent);
        SIMULATOR.removeSession(good);
    }

    /**
     * SessionReporterTimerKey is the timer's mark on the keys it queues (reporter.timer.target=queue), which skip the
     * duplicate check. A sender that sets it gets no such exemption: its key, queued three times, is reported once.
     */
    @Test
    void aSendersTimerKeyMarkDoesNotSkipDuplicateSuppression() {
        String key = TestSecrets.sessionKey("mark");
        SIMULATOR.addSession(key, 4711);
        long suppressedBefore = duplicates().getSuppressedCount();

        for (String mark : List.of("true", "TRUE", "1700000000000.c2lnbmF0dXJl")) {
            queue().send(QueueClient.INPUT_QUEUE, session -> {
                TextMessage message = session.createTextMessage(key);
                message.setStringProperty(ReporterHeaders.TIMER_KEY, mark);
                return message;
            });
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> duplicates().getSuppressedCount() - suppressedBefore == 2);
        assertThat(SIMULATOR.requestsFor(key)).as("reported once, the others suppressed as duplicates").hasSize(1);
        assertInvariant(List.of(key));
        SIMULATOR.removeSession(key);
    }

    /**
     * The dead letter is the original message — body and the sender's own properties — but not the sender's
     * instructions to the broker: a duplicate id (_AMQ_DUPL_ID: a second dead letter with it would be dropped or fail
     * the transaction), a message group (JMSXGroupID), nor Camel's own headers (a destination of the sender's choosing).
     */
    @Test
    void deadLetterKeepsBodyAndSendersPropertiesButNoBrokerInternalOnes() throws JMSException {
        // unknown to the simulator: SESSION_NOT_FOUND, dead-lettered at once
        String key = TestSecrets.sessionKey("amqp");

        String messageId = queue().send(QueueClient.INPUT_QUEUE, session -> {
            TextMessage message = session.createTextMessage(key);
            message.setStringProperty("CustomerCorrelation", "order-17");
            message.setStringProperty("_AMQ_DUPL_ID", "hostile-" + key.substring(0, 8));
            message.setStringProperty("JMSXGroupID", "hostile-group");
            message.setStringProperty("CamelJmsDestinationName", REPLY_QUEUE);
            return message;
        });

        Message deadLetter = awaitDeadLetter();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(key);
        assertThat(deadLetter.getStringProperty("CustomerCorrelation")).as("the sender's own property").isEqualTo("order-17");
        assertThat(deadLetter.getObjectProperty("_AMQ_DUPL_ID")).as("duplicate id").isNull();
        assertThat(deadLetter.getObjectProperty("JMSXGroupID")).as("message group").isNull();
        assertThat(Collections.list(deadLetter.getPropertyNames())).as("property names")
                .noneMatch(name -> name.toString().startsWith("_AMQ") || name.toString().startsWith("Camel"));
        assertThat(queue().receive(REPLY_QUEUE, 500)).as("nothing sent where the sender's headers point").isNull();
        assertEndedOnceAndCommitted(messageId);
        assertInvariant(List.of(key));
    }

    /**
     * One message of every JMS type, sent together: those that carry a key (text, UTF-8 bytes, JSON text) are reported,
     * each other one is dead-lettered once as INVALID_INPUT as the type it was sent as — a text message without text
     * stays a text message, an object message is forwarded unread — and the counting invariant holds.
     */
    @Test
    void everyMessageTypeIsReportedOrDeadLetteredOnceKeepingItsType() throws JMSException {
        List<String> goodKeys = List.of(TestSecrets.sessionKey("tyt"), TestSecrets.sessionKey("tyb"),
                TestSecrets.sessionKey("tyj"));
        goodKeys.forEach(key -> SIMULATOR.addSession(key, 77));
        Map<String, Class<? extends Message>> poison = new LinkedHashMap<>();
        poison.put("text without text", TextMessage.class);
        poison.put("map", MapMessage.class);
        poison.put("object", ObjectMessage.class);
        poison.put("stream", StreamMessage.class);
        poison.put("no body", Message.class);

        queue().sendText(goodKeys.get(0));
        queue().sendBytes(goodKeys.get(1).getBytes(StandardCharsets.UTF_8));
        queue().sendText("{\"sessionKey\":\"" + goodKeys.get(2) + "\"}");
        for (String type : poison.keySet()) {
            queue().send(QueueClient.INPUT_QUEUE, session -> {
                Message message = switch (type) {
                    case "text without text" -> session.createTextMessage(null);
                    case "map" -> session.createMapMessage();
                    case "object" -> session.createObjectMessage(goodKeys.get(0));
                    case "stream" -> session.createStreamMessage();
                    default -> session.createMessage();
                };
                message.setStringProperty("ProbeType", type);
                return message;
            });
        }

        await().atMost(Duration.ofMillis(WAIT_MILLIS))
                .until(() -> queue().browse(QueueClient.DEAD_LETTER_QUEUE).size() >= poison.size());
        Map<String, Message> deadLetters = new LinkedHashMap<>();
        for (Message deadLetter : queue().browse(QueueClient.DEAD_LETTER_QUEUE)) {
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("INVALID_INPUT");
            assertThat(deadLetters.put(deadLetter.getStringProperty("ProbeType"), deadLetter)).as("dead-lettered once")
                    .isNull();
        }
        assertThat(deadLetters.keySet()).containsExactlyInAnyOrderElementsOf(poison.keySet());
        poison.forEach((type, jmsType) -> assertThat(deadLetters.get(type)).as(type).isInstanceOf(jmsType)
                .isNotInstanceOfAny(poison.values().stream().filter(other -> !other.isAssignableFrom(jmsType))
                        .toArray(Class[]::new)));
        assertThat(((TextMessage) deadLetters.get("text without text")).getText()).isNull();
        // the keys, and the dead letters without a text body (read as no key): all accounted for
        List<String> sent = new ArrayList<>(goodKeys);
        sent.add(null);
        CountingInvariant.of(sent).assertHolds(queue(), key -> key != null && SIMULATOR.acceptedReportCount(key) > 0,
                context);
        goodKeys.forEach(SIMULATOR::removeSession);
    }

    /** Each key reported or dead-lettered with a reason, none in the broker's own DLQ, the reporter ready. */
    private void assertInvariant(List<String> sent) {
        CountingInvariant.of(sent).assertHolds(queue(), key -> SIMULATOR.acceptedReportCount(key) > 0, context);
    }

    /** The first dead letter, browsed: the counting invariant reads the dead-letter queue afterwards. */
    private Message awaitDeadLetter() {
        return await().atMost(Duration.ofMillis(WAIT_MILLIS))
                .until(() -> queue().browse(QueueClient.DEAD_LETTER_QUEUE), browsed -> !browsed.isEmpty()).get(0);
    }

    private QueueDuplicates duplicates() {
        return context.getRegistry().lookupByNameAndType("sessionReporterQueueDuplicates", QueueDuplicates.class);
    }

    private String sendWithReplyTo(String key) {
        return queue().send(QueueClient.INPUT_QUEUE, session -> {
            TextMessage message = session.createTextMessage(key);
            message.setJMSReplyTo(session.createQueue(REPLY_QUEUE));
            return message;
        });
    }

    /** One delivery, not a redelivery, committed; nothing left on the input queue; the queue route still up. */
    private void assertEndedOnceAndCommitted(String messageId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.of(messageId).stream()
                .anyMatch(delivery -> delivery.outcome() != null));
        List<Delivery> ofMessage = deliveries.of(messageId);
        assertThat(ofMessage).as("deliveries of %s", messageId).hasSize(1);
        assertThat(ofMessage.get(0).redelivered()).isFalse();
        assertThat(ofMessage.get(0).outcome()).as("committed, not rolled back").isEqualTo("completed");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).as("input queue").isEmpty();
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger").isStarted()).isTrue();
    }
}
