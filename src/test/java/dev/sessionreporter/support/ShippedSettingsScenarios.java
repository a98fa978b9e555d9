package dev.sessionreporter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.simulator.SimulatedFailure;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a reporter running with application.properties as shipped does, seen from outside: the simulator's side of
 * the wire and the broker's queues over TCP. The numbers are the shipped ones (README "Configure"): 3 retries of a
 * transient failure after 1 s, 2 s and 4 s; the circuit breaker opens at 50 % failures of the last 20 calls (at least
 * 10) and probes after 30 s. Run by {@code ShippedSettingsTest} (Camel Main in-process) and {@code ShippedSettingsIT}
 * (the packaged jar, prod profile), in this order: the breaker counts the calls of the scenarios before it.
 */
public final class ShippedSettingsScenarios {
    public static final String BROKER_DEAD_LETTER_QUEUE = "DLQ";
    private static final Duration SHIPPED_FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration SHIPPED_WAIT_IN_OPEN_STATE = Duration.ofSeconds(30);
    private static final int SHIPPED_ATTEMPTS = 1 + 3;
    private static final Duration REPORT = Duration.ofSeconds(30);

    private final CustomerServiceSimulator simulator;
    private final QueueClient queue;
    private final URI metrics;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Dead letters taken off the queue so far, by body. */
    private final Map<String, Message> deadLetters = new ConcurrentHashMap<>();

    /** {@code managementPort}: the reporter's health and metrics server (README "Operate"). */
    public ShippedSettingsScenarios(CustomerServiceSimulator simulator, QueueClient queue, int managementPort) {
        this.simulator = simulator;
        this.queue = queue;
        this.metrics = URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics");
    }

    /** A known session is reported once and leaves the queue; nothing is dead-lettered. */
    public void knownSessionIsReported() {
        String key = TestSecrets.sessionKey("ship-ok");
        simulator.addSession(key, 7001);
        queue.sendText(key);

        await().atMost(REPORT).until(() -> simulator.acceptedReportCount(key) == 1);
        await().atMost(REPORT).until(() -> queue.browse(QueueClient.INPUT_QUEUE).isEmpty());
        assertThat(simulator.requestsFor(key)).hasSize(1);
        assertNeverDeadLettered(key);
    }

    /** Response=0: dead-lettered at once with reason SESSION_NOT_FOUND. */
    public void unknownSessionIsDeadLetteredAsNotFound() throws JMSException {
        String key = TestSecrets.sessionKey("ship-nf");
        queue.sendText(key);

        Message deadLetter = awaitDeadLetter(key);
        assertThat(deadLetter.getStringProperty("SessionReporterFailureReason")).isEqualTo("SESSION_NOT_FOUND");
        assertThat(simulator.requestsFor(key)).hasSize(1);
    }

    /** Succeeded=false with an ExceptionInfo: dead-lettered at once with reason SERVER_REJECTED. */
    public void rejectedReportIsDeadLetteredAsRejected() throws JMSException {
        String key = TestSecrets.sessionKey("ship-rj");
        simulator.addSession(key, 7002);
        simulator.failFor(key, SimulatedFailure.serverException("SoDatabaseException", "Deadlock victim"));
        queue.sendText(key);

        Message deadLetter = awaitDeadLetter(key);
        assertThat(deadLetter.getStringProperty("SessionReporterFailureReason")).isEqualTo("SERVER_REJECTED");
        assertThat(deadLetter.getStringProperty("SessionReporterFailureDetail")).contains("SoDatabaseException");
        assertThat(simulator.requestsFor(key)).hasSize(1);
        assertThat(simulator.acceptedReportCount(key)).isZero();
    }

    /** One HTTP 503: the reporter's own retry, after the shipped first delay, reports the key. */
    public void transientFailureIsReportedOnTheShippedRetry() {
        String key = TestSecrets.sessionKey("ship-tr");
        simulator.addSession(key, 7003);
        simulator.failFor(key, SimulatedFailure.failTimes(1, SimulatedFailure.httpStatus(503)));
        double redeliveriesBefore = redeliveries();
        queue.sendText(key);

        await().atMost(REPORT).until(() -> simulator.acceptedReportCount(key) == 1);
        List<ReceivedRequest> attempts = simulator.requestsFor(key);
        assertThat(attempts).extracting(ReceivedRequest::responseStatus).containsExactly(503, 200);
        assertThat(Duration.between(attempts.get(0).receivedAt(), attempts.get(1).receivedAt()))
                .as("the retry waits the shipped reporter.retry.redelivery-delay")
                .isGreaterThanOrEqualTo(SHIPPED_FIRST_RETRY);
        assertThat(redeliveries() - redeliveriesBefore)
                .as("the reporter's own retry (sessionreporter_redeliveries_total), not a rollback the broker redelivers")
                .isEqualTo(1.0);
        assertNeverDeadLettered(key);
    }

    /**
     * HTTP 503 for ever: after the shipped attempts (1 + 3 retries, 1 s, 2 s, 4 s apart) the key is in the reporter's
     * dead-letter queue with its reason, never in the broker's own DLQ.
     */
    public void endlessTransientFailureIsDeadLetteredWithItsReasonAfterTheShippedAttempts() throws JMSException {
        String key = TestSecrets.sessionKey("ship-en");
        simulator.addSession(key, 7004);
        simulator.failFor(key, SimulatedFailure.httpStatus(503));
        double redeliveriesBefore = redeliveries();
        queue.sendText(key);

        Message deadLetter = awaitDeadLetter(key);
        assertThat(redeliveries() - redeliveriesBefore).as("the reporter's own retries").isEqualTo(SHIPPED_ATTEMPTS - 1.0);
        assertThat(deadLetter.getStringProperty("SessionReporterFailureReason")).isEqualTo("HTTP_ERROR");
        assertThat(deadLetter.getStringProperty("SessionReporterFailureDetail")).contains("503");
        assertThat(deadLetter.getObjectProperty("SessionReporterAttempts").toString())
                .isEqualTo(Integer.toString(SHIPPED_ATTEMPTS));
        List<ReceivedRequest> attempts = simulator.requestsFor(key);
        assertThat(attempts).hasSize(SHIPPED_ATTEMPTS);
        Duration expectedGap = SHIPPED_FIRST_RETRY;
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.between(attempts.get(i - 1).receivedAt(), attempts.get(i).receivedAt()))
                    .as("exponential back-off before attempt %d", i + 1)
                    .isGreaterThanOrEqualTo(expectedGap);
            expectedGap = expectedGap.multipliedBy(2);
        }
        assertThat(texts(queue.browse(BROKER_DEAD_LETTER_QUEUE))).doesNotContain(key);
        simulator.clearFailures();
    }

    /**
     * SuperOffice answers 503 to everything: the circuit opens, no key is dead-lettered for the outage, calls stop;
     * after the shipped 30 s a probe finds the server up again, the circuit closes and every key is reported.
     * {@code whileOpen} waits until the reporter says the circuit is open.
     */
    public void circuitBreakerOpensOnAnOutageAndClosesAfterTheShippedWait(Runnable whileOpen) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String key = TestSecrets.sessionKey("ship-cb" + (char) ('a' + i));
            simulator.addSession(key, 7100 + i);
            keys.add(key);
        }
        simulator.failAll(SimulatedFailure.httpStatus(503));
        keys.forEach(queue::sendText);

        // the circuit opens (whileOpen waits for it); then no call until the probe (below), although keys are
        // queued and those tried have retries left
        whileOpen.run();
        List<ReceivedRequest> failing = simulator.requests();
        ReceivedRequest lastFailing = failing.get(failing.size() - 1);
        assertThat(deadLetteredNow()).as("nothing dead-lettered for the outage").doesNotContainAnyElementsOf(keys);

        simulator.clearFailures();
        await().atMost(Duration.ofSeconds(90)).until(() -> keys.stream()
                .allMatch(key -> simulator.acceptedReportCount(key) == 1));
        ReceivedRequest probe = simulator.requests().stream()
                .filter(r -> r.receivedAt().isAfter(lastFailing.receivedAt()))
                .findFirst().orElseThrow();
        assertThat(probe.sessionKey()).as("the half-open probe comes first").isEqualTo("session-reporter-circuit-breaker-probe");
        // measured from the last failing call the server saw: one let through just before the circuit opened can
        // reach it a moment after (32 consumers), so the wait may look a few milliseconds short (29.9995 s seen)
        assertThat(Duration.between(lastFailing.receivedAt(), probe.receivedAt()))
                .as("the circuit stays open for the shipped reporter.circuit-breaker.wait-in-open-state")
                .isGreaterThanOrEqualTo(SHIPPED_WAIT_IN_OPEN_STATE.minusMillis(500));
        await().atMost(REPORT).until(() -> queue.browse(QueueClient.INPUT_QUEUE).isEmpty());
        assertThat(deadLetteredNow()).doesNotContainAnyElementsOf(keys);
        assertThat(texts(queue.browse(BROKER_DEAD_LETTER_QUEUE))).doesNotContainAnyElementsOf(keys);
    }

    /** sessionreporter_redeliveries_total of the reporter's metrics endpoint. */
    private double redeliveries() {
        try {
            String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher value = Pattern.compile("(?m)^sessionreporter_redeliveries_total(?:\\{[^}]*\\})? (\\S+)$").matcher(text);
            assertThat(value.find()).as("sessionreporter_redeliveries_total in %s", metrics).isTrue();
            return Double.parseDouble(value.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void assertNeverDeadLettered(String key) {
        assertThat(deadLetteredNow()).doesNotContain(key);
        assertThat(texts(queue.browse(BROKER_DEAD_LETTER_QUEUE))).doesNotContain(key);
    }

    private Message awaitDeadLetter(String key) {
        await().atMost(REPORT).until(() -> deadLetteredNow().contains(key));
        assertThat(texts(queue.browse(BROKER_DEAD_LETTER_QUEUE))).doesNotContain(key);
        return deadLetters.get(key);
    }

    /** Takes what is on the reporter's dead-letter queue now; returns the bodies of all dead letters so far. */
    private List<String> deadLetteredNow() {
        Message message;
        while ((message = queue.receive(QueueClient.DEAD_LETTER_QUEUE, 100)) != null) {
            deadLetters.put(text(message), message);
        }
        return List.copyOf(deadLetters.keySet());
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(ShippedSettingsScenarios::text).toList();
    }

    private static String text(Message message) {
        try {
            return message instanceof TextMessage text ? text.getText() : String.valueOf(message);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
