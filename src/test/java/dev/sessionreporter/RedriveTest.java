package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.TextMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redrive} (a command of the jar, run here through {@link SessionReporterApplication#run}) moves dead-lettered
 * messages of one reason back onto the input queue of a running reporter: same type and body, own properties kept,
 * failure headers dropped; the others stay in the dead-letter queue.
 */
class RedriveTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // TIMEOUT dead letters within the test's wait instead of the shipped 10 s per attempt
        properties.setProperty("superoffice.receive-timeout", "500");
        // the outage must end in dead letters to redrive; with the breaker on, the keys would stay queued instead
        properties.setProperty("reporter.circuit-breaker.enabled", "false");
        return properties;
    }

    @BeforeEach
    void emptyQueues() {
        // a report of the previous test still in flight would dead-letter its key into this test's count (seen on a
        // loaded machine): let it end first
        queue().drain(QueueClient.INPUT_QUEUE);
        await().atMost(Duration.ofSeconds(15)).until(() -> context.getInflightRepository().size() == 0);
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @AfterEach
    void restartReporting() throws Exception {
        // keys a test redrove and left queued would otherwise be taken into the restarted consumer's buffer at once and
        // dead-lettered into the next test's count after its BeforeEach (seen with four Surefire JVMs on a loaded machine)
        queue().drain(QueueClient.INPUT_QUEUE);
        context.getRouteController().startRoute("session-reporter-queue-trigger");
    }

    @Test
    void redrivesOnlyTheGivenReasonAsOriginallySentAndTheyAreReportedOnceTheCauseIsFixed() throws Exception {
        String textKey = TestSecrets.sessionKey("htt1");
        String bytesKey = TestSecrets.sessionKey("htt2");
        String unknownKey = TestSecrets.sessionKey("gone");
        String unreachableKey = TestSecrets.sessionKey("drop");
        for (String key : List.of(textKey, bytesKey, unreachableKey)) {
            SIMULATOR.addSession(key, 700);
        }
        // the server is down for two keys (HTTP 503 until retries are exhausted), one key is unknown, one unreachable
        SIMULATOR.failFor(textKey, SimulatedFailure.httpStatus(503));
        SIMULATOR.failFor(bytesKey, SimulatedFailure.httpStatus(503));
        SIMULATOR.failFor(unreachableKey, SimulatedFailure.dropConnection());
        byte[] json = ("{\"sessionKey\":\"" + bytesKey + "\"}").getBytes(StandardCharsets.UTF_8);
        queue().send(QueueClient.INPUT_QUEUE, session -> {
            TextMessage message = session.createTextMessage(textKey);
            message.setStringProperty("CustomerCorrelation", "order-17");
            message.setJMSCorrelationID("corr-17");
            return message;
        });
        queue().sendBytes(json);
        queue().sendText(unknownKey);
        queue().sendText(unreachableKey);
        awaitDeadLetters(4);
        assertThat(reasons(queue().browse(QueueClient.DEAD_LETTER_QUEUE)))
                .containsExactlyInAnyOrder("HTTP_ERROR", "HTTP_ERROR", "SESSION_NOT_FOUND", "UNREACHABLE");

        // the cause is fixed; the reporter's queue route is stopped to catch the redriven messages as they arrive
        SIMULATOR.clearFailures();
        context.getRouteController().stopRoute("session-reporter-queue-trigger");
        CommandResult redrive = runCommand("redrive", "--reason", "HTTP_ERROR", "--broker", brokerUrl());

        assertThat(redrive.exitCode()).isZero();
        assertThat(redrive.output()).contains("Moved 2 dead-lettered message(s) with reason HTTP_ERROR");
        List<Message> redriven = queue().browse(QueueClient.INPUT_QUEUE);
        assertThat(redriven).hasSize(2);
        for (Message message : redriven) {
            assertThat(propertyNames(message)).noneMatch(name -> name.startsWith("SessionReporter"));
        }
        TextMessage text = (TextMessage) redriven.stream().filter(TextMessage.class::isInstance).findFirst().orElseThrow();
        assertThat(text.getText()).isEqualTo(textKey);
        assertThat(text.getStringProperty("CustomerCorrelation")).as("the sender's own property").isEqualTo("order-17");
        assertThat(text.getJMSCorrelationID()).isEqualTo("corr-17");
        BytesMessage bytes = (BytesMessage) redriven.stream().filter(BytesMessage.class::isInstance).findFirst().orElseThrow();
        assertThat(bodyOf(bytes)).isEqualTo(json);
        assertThat(reasons(queue().browse(QueueClient.DEAD_LETTER_QUEUE)))
                .as("the other reasons stay")
                .containsExactlyInAnyOrder("SESSION_NOT_FOUND", "UNREACHABLE");

        context.getRouteController().startRoute("session-reporter-queue-trigger");

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(textKey) == 1
                && SIMULATOR.acceptedReportCount(bytesKey) == 1);
        assertThat(SIMULATOR.requestsFor(textKey)).as("3 failed calls, then the redriven one").hasSize(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue().browse(QueueClient.INPUT_QUEUE).isEmpty());
        assertThat(reasons(queue().browse(QueueClient.DEAD_LETTER_QUEUE)))
                .containsExactlyInAnyOrder("SESSION_NOT_FOUND", "UNREACHABLE");
        assertThat(SIMULATOR.requestsFor(unknownKey)).hasSize(1);
        assertThat(SIMULATOR.requestsFor(unreachableKey)).hasSize(3);
    }

    @Test
    void redrivesAtMostMaxAndWithoutReasonEverything() throws Exception {
        for (int i = 0; i < 3; i++) {
            queue().sendText(TestSecrets.sessionKey("unk" + i));
        }
        queue().sendText("not a key");
        awaitDeadLetters(4);
        context.getRouteController().stopRoute("session-reporter-queue-trigger");

        CommandResult first = runCommand("redrive", "--reason", "SESSION_NOT_FOUND", "--max", "2", "--broker", brokerUrl());

        assertThat(first.exitCode()).isZero();
        assertThat(first.output()).contains("Moved 2 ");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).hasSize(2);
        assertThat(reasons(queue().browse(QueueClient.DEAD_LETTER_QUEUE)))
                .containsExactlyInAnyOrder("SESSION_NOT_FOUND", "INVALID_INPUT");

        CommandResult rest = runCommand("redrive", "--broker", brokerUrl());

        assertThat(rest.exitCode()).isZero();
        assertThat(rest.output()).contains("Moved 2 ");
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).hasSize(4);
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).isEmpty();
    }

    @Test
    void redrivesMapObjectAndLargeBytesMessagesWithTheirTypeAndPayload() throws Exception {
        byte[] large = new byte[2 * 1024 * 1024];
        Arrays.fill(large, (byte) 'k');
        queue().send(QueueClient.INPUT_QUEUE, session -> {
            MapMessage map = session.createMapMessage();
            map.setString("sessionKey", "mapmapmapmap");
            return map;
        });
        queue().send(QueueClient.INPUT_QUEUE, session -> session.createObjectMessage(new ArrayList<>(List.of("x"))));
        queue().sendBytes(large);
        awaitDeadLetters(3);
        context.getRouteController().stopRoute("session-reporter-queue-trigger");

        CommandResult redrive = runCommand("redrive", "--reason", "invalid_input", "--broker", brokerUrl());

        assertThat(redrive.exitCode()).isZero();
        List<Message> redriven = new ArrayList<>();
        for (Message message; (message = queue().receive(QueueClient.INPUT_QUEUE, 1000)) != null; ) {
            redriven.add(message);
        }
        assertThat(redriven).hasSize(3);
        Map<Class<?>, Message> byType = redriven.stream().collect(Collectors.toMap(
                message -> message instanceof MapMessage ? MapMessage.class
                        : message instanceof ObjectMessage ? ObjectMessage.class : BytesMessage.class,
                Function.identity()));
        assertThat(((MapMessage) byType.get(MapMessage.class)).getString("sessionKey")).isEqualTo("mapmapmapmap");
        assertThat(((ObjectMessage) byType.get(ObjectMessage.class)).getObject()).isEqualTo(List.of("x"));
        assertThat(Arrays.equals(bodyOf((BytesMessage) byType.get(BytesMessage.class)), large)).as("the 2 MB body").isTrue();
    }

    @Test
    void refusesAnUnknownReasonAndMovesNothing() throws Exception {
        queue().sendText(TestSecrets.sessionKey("keep"));
        awaitDeadLetters(1);

        CommandResult redrive = runCommand("redrive", "--reason", "NOT_A_REASON", "--broker", brokerUrl());

        assertThat(redrive.exitCode()).isEqualTo(2);
        assertThat(redrive.errors()).contains("--reason must be one of", "UNREACHABLE", "usage: redrive");
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).hasSize(1);
    }

    @Test
    void sendCommandPutsKeysOnTheQueue() {
        String key = TestSecrets.sessionKey("send");
        SIMULATOR.addSession(key, 701);

        CommandResult send = runCommand("send", "--broker", brokerUrl(), key);

        assertThat(send.exitCode()).isZero();
        assertThat(send.output()).contains("Sent 1 session key(s)");
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
    }

    private record CommandResult(int exitCode, String output, String errors) {
    }

    /** Runs {@code java -jar session-reporter.jar ARGS} in this JVM: the same dispatch, without System.exit. */
    private static synchronized CommandResult runCommand(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            int exitCode = SessionReporterApplication.run(args);
            return new CommandResult(exitCode, output.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private String brokerUrl() {
        return "tcp://127.0.0.1:" + brokerPort;
    }

    private void awaitDeadLetters(int count) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> queue().browse(QueueClient.DEAD_LETTER_QUEUE).size() >= count);
        assertThat(queue().browse(QueueClient.DEAD_LETTER_QUEUE)).hasSize(count);
    }

    private static List<String> reasons(List<Message> messages) {
        return messages.stream().map(QueueClient.property(ReporterHeaders.FAILURE_REASON, String.class)).toList();
    }

    private static List<String> propertyNames(Message message) throws JMSException {
        List<String> names = new ArrayList<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            names.add((String) name);
        }
        return names;
    }

    private static byte[] bodyOf(BytesMessage message) throws JMSException {
        byte[] body = new byte[(int) message.getBodyLength()];
        message.readBytes(body);
        return body;
    }
}
