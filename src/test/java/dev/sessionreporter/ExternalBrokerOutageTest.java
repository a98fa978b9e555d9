package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.BrokerProcess;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * broker.url points at an ActiveMQ Artemis broker in another process ({@link BrokerProcess}). When that broker dies
 * (SIGKILL) or is stopped (SIGTERM) and comes back on the same journal, the reporter reconnects by itself: nothing sent
 * is lost, messages in flight are redelivered, the timer keeps reporting while the broker is away and dead-letters
 * once it is back, the outage is logged once, not per reconnect attempt, and readiness is DOWN while it lasts.
 */
@FullSuite
class ExternalBrokerOutageTest extends ReporterTestSupport {
    private static final BrokerProcess BROKER = BrokerProcess.startNew();
    private static final String TIMER_KNOWN = TestSecrets.sessionKey("tmok");
    private static final String TIMER_UNKNOWN = TestSecrets.sessionKey("tmun");
    private static final int KEYS = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final String OUTAGE_WARNING = "Lost the connection to the broker";
    private static final String RECONNECTED = "Connected to the broker again";
    private static final int MANAGEMENT_PORT = FreePort.find();
    private static final ManagementClient MANAGEMENT = new ManagementClient(MANAGEMENT_PORT);

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(TIMER_KNOWN, 4242);
        Properties properties = new Properties();
        // address: the external broker the test stops and starts
        properties.setProperty("broker.url", BROKER.url());
        // reconnects within the test's wait instead of every shipped 5 s
        properties.setProperty("broker.reconnect-interval", "1s");
        // this test proves redelivery of messages in flight: do not suppress the redelivered copies as duplicates
        properties.setProperty("reporter.duplicates.window", "0");
        // the timer keeps reporting during the broker outage: ticks every 500 ms with its own keys
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "500");
        properties.setProperty("reporter.timer.initial-delay", "100");
        properties.setProperty("reporter.timer.session-keys", TIMER_KNOWN + "," + TIMER_UNKNOWN);
        // readiness during the outage is asserted, on a free port
        properties.setProperty("reporter.management.enabled", "true");
        properties.setProperty("reporter.management.port", Integer.toString(MANAGEMENT_PORT));
        return properties;
    }

    /** The reporter first (it would otherwise see one more outage while stopping), then the broker process. */
    @AfterAll
    void stopReporterThenBroker() {
        context.stop();
        BROKER.close();
    }

    @Test
    void losesNoQueueMessageWhenTheBrokerIsKilledMidStreamAndResumesAfterItsRestart() throws Exception {
        Map<String, Boolean> keys = new LinkedHashMap<>(); // key -> known to the server
        for (int i = 0; i < KEYS; i++) {
            boolean known = i % 10 != 7;
            String key = TestSecrets.sessionKey(known ? "outk" : "outu");
            if (known) {
                SIMULATOR.addSession(key, 10_000 + i);
            }
            keys.put(key, known);
        }
        // Every call takes a while, so that the consumers have messages in flight when the broker dies.
        SIMULATOR.failAll(SimulatedFailure.delay(Duration.ofMillis(40)));

        try (CapturedLog log = CapturedLog.attach()) {
            AtomicInteger sent = new AtomicInteger();
            Set<String> sentMoreThanOnce = ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                QueueClient client = null;
                for (String key : keys.keySet()) {
                    client = sendUntilAccepted(client, key, sentMoreThanOnce);
                    sent.incrementAndGet();
                    sleep(15);
                }
                client.close();
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> handled(keys).size() >= KEYS / 4);
            Set<String> deadLetteredBeforeKill = deadLetterReasons().keySet();
            // Calls in progress now outlast the broker: these messages are in flight (delivered, not committed).
            SIMULATOR.failAll(SimulatedFailure.delay(Duration.ofMillis(600)));
            Thread.sleep(200);
            long killedAt = System.nanoTime();
            BROKER.kill();
            assertThat(sent.get()).as("killed mid-stream").isLessThan(KEYS);
            Thread.sleep(OUTAGE.toMillis());
            SIMULATOR.failAll(SimulatedFailure.delay(Duration.ofMillis(10)));
            BROKER.start();

            sender.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> handled(keys).size() == KEYS);
            long outageAtMostMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

            Map<String, String> deadLetterReasons = deadLetterReasons();
            keys.forEach((key, known) -> {
                if (known) {
                    assertThat(SIMULATOR.acceptedReportCount(key)).as("reported: %s", key).isGreaterThanOrEqualTo(1);
                } else {
                    assertThat(deadLetterReasons.get(key)).as("dead-lettered: %s", key).isEqualTo("SESSION_NOT_FOUND");
                }
            });
            assertThat(deadLetteredBeforeKill).as("dead letters sent before the kill").isNotEmpty();
            assertThat(deadLetterReasons.keySet()).as("persistent dead letters survive the kill").containsAll(deadLetteredBeforeKill);
            assertThat(browse(QueueClient.DEAD_LETTER_QUEUE)).allSatisfy(message ->
                    assertThat(message.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT));
            assertThat(keys.keySet()).as("a message in flight when the broker died was redelivered and reported again")
                    .anyMatch(key -> keys.get(key) && !sentMoreThanOnce.contains(key) && SIMULATOR.acceptedReportCount(key) >= 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> browse(QueueClient.INPUT_QUEUE).isEmpty());
            assertReporterRunning();
            assertOutageLoggedOnce(log);
            // No flood: the timer logs its failed dead letter once per tick (period 500 ms), not per attempt, and
            // everything else is a fixed number of lines per outage (the outage WARN, the listener container's
            // "trying to recover" WARN) plus at most a handful per message in flight on the 4 consumers, however long
            // the broker stays away.
            List<String> timerLines = warningsAndErrors(log).stream().filter(line -> line.contains("Could not dead-letter session tmun…")).toList();
            assertThat(timerLines).as("timer: one line per tick").hasSizeLessThanOrEqualTo((int) (outageAtMostMillis / 500) + 2);
            List<String> otherLines = warningsAndErrors(log).stream().filter(line -> !timerLines.contains(line)).toList();
            assertThat(otherLines).as("no log flood").hasSizeLessThan(25);
        }
    }

    @Test
    void timerKeepsReportingWhileTheBrokerIsStoppedAndDeadLettersOnceItIsBack() throws Exception {
        try (CapturedLog log = CapturedLog.attach()) {
            try (QueueClient client = new QueueClient(BROKER.port())) {
                client.drain(QueueClient.DEAD_LETTER_QUEUE);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> MANAGEMENT.readiness() == 200);
            BROKER.stop();
            // readiness DOWN while the broker is away (check broker-connection), liveness stays UP
            await().atMost(Duration.ofSeconds(10)).until(() -> MANAGEMENT.readiness() == 503);
            assertThat(MANAGEMENT.get("/observe/health/ready?data=true").body())
                    .contains("broker-connection").contains("DOWN");
            assertThat(MANAGEMENT.get("/observe/health/live").statusCode()).isEqualTo(200);
            int reportsWhenStopped = SIMULATOR.acceptedReportCount(TIMER_KNOWN);

            await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(TIMER_KNOWN) >= reportsWhenStopped + 3
                    && log.lines().stream().filter(line -> line.startsWith("ERROR") && line.contains("Could not dead-letter session tmun…")).count() >= 2);
            assertReporterRunning();
            assertThat(log.text()).as("a timer key that cannot be dead-lettered is logged, nothing else")
                    .contains("route=session-reporter-timer-trigger", "a timer key is reported again on the next tick")
                    .doesNotContain("FatalFallbackErrorHandler", "Error processing exchange", "DeadLetterFailedException");

            long restartedAt = System.currentTimeMillis();
            BROKER.start();
            try (QueueClient client = new QueueClient(BROKER.port())) {
                Message deadLetter = null;
                long deadline = System.currentTimeMillis() + 15_000;
                while (deadLetter == null && System.currentTimeMillis() < deadline) {
                    Message next = client.receive(QueueClient.DEAD_LETTER_QUEUE, 1_000);
                    if (next != null && TIMER_UNKNOWN.equals(text(next)) && next.getJMSTimestamp() >= restartedAt) {
                        deadLetter = next;
                    }
                }
                assertThat(deadLetter).as("dead-lettered on a tick after the broker came back").isNotNull();
                assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
                assertThat(deadLetter.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("session-reporter-timer-trigger");

                // and the queue consumers are back too, after a clean broker shutdown this time
                String key = TestSecrets.sessionKey("back");
                SIMULATOR.addSession(key, 5150);
                client.sendText(key);
                await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
            }
            await("readiness UP again once the broker is back").atMost(Duration.ofSeconds(10))
                    .until(() -> MANAGEMENT.readiness() == 200);
            assertReporterRunning();
            assertOutageLoggedOnce(log);
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private void assertReporterRunning() {
        assertThat(context.getStatus()).isEqualTo(ServiceStatus.Started);
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger")).isEqualTo(ServiceStatus.Started);
        assertThat(context.getRouteController().getRouteStatus("session-reporter-timer-trigger")).isEqualTo(ServiceStatus.Started);
    }

    /** One WARN when the broker went away and one INFO when it was back; no ERROR per reconnect attempt. */
    private static void assertOutageLoggedOnce(CapturedLog log) {
        assertThat(log.lines()).filteredOn(line -> line.contains(OUTAGE_WARNING)).hasSize(1)
                .allMatch(line -> line.startsWith("WARN dev.sessionreporter.broker"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.lines().stream().anyMatch(line -> line.contains(RECONNECTED)));
        assertThat(log.lines()).filteredOn(line -> line.contains(RECONNECTED)).hasSize(1)
                .allMatch(line -> line.startsWith("INFO dev.sessionreporter.broker"));
        assertThat(log.text()).doesNotContain("Could not refresh JMS Connection");
    }

    /** WARN and ERROR lines other than the normal "dead-lettered" result lines. */
    private static List<String> warningsAndErrors(CapturedLog log) {
        List<String> lines = new ArrayList<>();
        for (String line : log.lines()) {
            if ((line.startsWith("WARN") || line.startsWith("ERROR")) && !line.contains(" dead-lettered: reason=")) {
                lines.add(line.lines().findFirst().orElse(line));
            }
        }
        return lines;
    }

    /** Keys reported (known ones) or on the dead-letter queue (unknown ones). */
    private Set<String> handled(Map<String, Boolean> keys) {
        Set<String> deadLettered = deadLetterReasons().keySet();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        keys.forEach((key, known) -> {
            if (known ? SIMULATOR.acceptedReportCount(key) > 0 : deadLettered.contains(key)) {
                handled.add(key);
            }
        });
        return handled;
    }

    /** Body -> failure reason of every message on the dead-letter queue. */
    private static Map<String, String> deadLetterReasons() {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Message message : browse(QueueClient.DEAD_LETTER_QUEUE)) {
            reasons.putIfAbsent(text(message), QueueClient.property(ReporterHeaders.FAILURE_REASON, String.class).apply(message));
        }
        return reasons;
    }

    private static List<Message> browse(String queue) {
        try (QueueClient client = new QueueClient(BROKER.port())) {
            return client.browse(queue);
        }
    }

    /**
     * A producer that sends again until the broker confirms the message (a send that failed may or may not have
     * arrived: at-least-once), reconnecting when the broker was away. Returns the client to use for the next key.
     */
    private static QueueClient sendUntilAccepted(QueueClient client, String key, Set<String> sentMoreThanOnce) {
        while (true) {
            try {
                if (client == null) {
                    client = new QueueClient(BROKER.port());
                }
                client.sendText(key);
                return client;
            } catch (RuntimeException brokerAway) {
                sentMoreThanOnce.add(key);
                if (client != null) {
                    client.close();
                    client = null;
                }
                sleep(200);
            }
        }
    }

    private static String text(Message message) {
        try {
            return ((TextMessage) message).getText();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
