package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.broker.SendSessionKeys;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.BrokerProcess;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * broker.url names an ActiveMQ Artemis shared-store primary/backup pair, two broker processes on one journal
 * ({@link BrokerProcess#startSharedStorePair()}), with broker.ha=true. Keys stream in, the primary is killed (SIGKILL)
 * while reports are in flight, the backup takes over the journal, and the same reporter — no restart — carries on
 * against it: every key sent is reported or dead-lettered with its reason on the backup, keys whose dead letter the
 * kill interrupted too, and the keys reported twice (the reports in flight at the kill) stay within the bound the
 * README states: one per queue consumer. A client made after the kill finds the backup through the same URL.
 */
@FullSuite
class BrokerHaPairTest extends ReporterTestSupport {
    private static final List<BrokerProcess> PAIR = BrokerProcess.startSharedStorePair();
    private static final BrokerProcess PRIMARY = PAIR.get(0);
    private static final BrokerProcess BACKUP = PAIR.get(1);
    private static final String PAIR_URL = "(" + PRIMARY.url() + "," + BACKUP.url() + ")";
    private static final int CONSUMERS = 8;
    private static final int STREAMED_KEYS = 150;
    private static final int KEYS_IN_FLIGHT = CONSUMERS;
    /** The first answer to a key in flight at the kill comes this long after its call: after the primary is gone. */
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(3);

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // address: the pair; the client follows its topology and fails over to the backup
        properties.setProperty("broker.url", PAIR_URL);
        properties.setProperty("broker.ha", "true");
        // the README's recipe: the client fails over to the backup by itself (500 ms apart: 30 s for the takeover)
        properties.setProperty("broker.reconnect-attempts", "60");
        // reconnects within the test's wait instead of every shipped 5 s
        properties.setProperty("broker.reconnect-interval", "1s");
        // fewer consumers than shipped: the duplicate bound (one per consumer) is then small enough to mean something
        properties.setProperty("reporter.queue.concurrent-consumers", Integer.toString(CONSUMERS));
        // one message per consumer, so that each key in flight at the kill holds its own consumer
        properties.setProperty("broker.consumer-window-size", "0");
        // the test waits until the keys of the burst are in flight, by their exchanges
        properties.setProperty("camel.main.inflight-repository-browse-enabled", "true");
        return properties;
    }

    /** The reporter first (it would otherwise see one more outage while stopping), then the brokers. */
    @AfterAll
    void stopReporterThenBrokers() {
        context.stop();
        BACKUP.close();
        PRIMARY.close();
    }

    @Test
    void carriesOnAgainstTheBackupWhenThePrimaryIsKilledLosingNoKeyAndReportingFewTwice() throws Exception {
        List<String> streamed = keys("has", STREAMED_KEYS);
        // reported or dead-lettered while the primary dies: the first answer comes after the kill
        List<String> inFlight = keys("haf", KEYS_IN_FLIGHT);
        inFlight.forEach(key -> SIMULATOR.failFor(key, SimulatedFailure.failTimes(1, SimulatedFailure.delay(SLOW_ANSWER))));
        PRIMARY.awaitBackupAnnounced();

        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> sender;
        try (CapturedLog log = CapturedLog.attach(); FailoverSender producer = new FailoverSender(PAIR_URL)) {
            sender = CompletableFuture.runAsync(() -> streamed.forEach(key -> {
                producer.send(key);
                sent.incrementAndGet();
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }));
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= STREAMED_KEYS / 3);
            Set<String> deadLetteredBeforeKill = deadLetterReasons(PRIMARY).keySet();
            inFlight.forEach(producer::send);
            await("every key of the burst in flight").atMost(Duration.ofSeconds(20))
                    .until(() -> inFlightKeys().containsAll(inFlight));

            PRIMARY.kill();
            int sentAtKill = sent.get();
            BACKUP.awaitServing();
            sender.get(60, TimeUnit.SECONDS);
            assertThat(sentAtKill).as("killed mid-stream").isLessThan(STREAMED_KEYS);

            List<String> all = new ArrayList<>(streamed);
            all.addAll(inFlight);
            try (QueueClient backup = new QueueClient(BACKUP.port())) {
                CountingInvariant.of(all).assertHolds(backup, key -> SIMULATOR.acceptedReportCount(key) > 0, context,
                        SLOW_ANSWER.multipliedBy(10));
            }
            Map<String, String> reasons = deadLetterReasons(BACKUP);
            assertThat(reasons.keySet()).as("dead letters from before the kill are on the backup").containsAll(deadLetteredBeforeKill);
            all.stream().filter(BrokerHaPairTest::unknownToServer).forEach(key ->
                    assertThat(reasons.get(key)).as("dead-lettered on the backup: %s", key).isEqualTo("SESSION_NOT_FOUND"));
            Set<String> reportedTwice = all.stream().filter(key -> SIMULATOR.acceptedReportCount(key) > 1).collect(Collectors.toSet());
            assertThat(reportedTwice.size()).as("keys reported more than once (README: at most one per queue consumer)")
                    .isLessThanOrEqualTo(CONSUMERS);
            assertThat(all).as("no key reported more than twice").allMatch(key -> SIMULATOR.acceptedReportCount(key) <= 2);
            assertThat(log.lines()).as("the client failed over by itself; the connection was never lost")
                    .anyMatch(line -> line.startsWith("WARN dev.sessionreporter.broker") && line.contains("failed over"))
                    .noneMatch(line -> line.contains("Lost the connection to the broker"));
        }
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger")).isEqualTo(ServiceStatus.Started);

        // the primary still down: a client made now (the send command's) finds the backup through the pair's URL, as a
        // reporter started now would
        String late = TestSecrets.sessionKey("hal");
        SIMULATOR.addSession(late, 29_999);
        SendSessionKeys.send(PAIR_URL + "?ha=true", QueueClient.INPUT_QUEUE, List.of(late));
        await().atMost(Duration.ofSeconds(30)).until(() -> SIMULATOR.acceptedReportCount(late) == 1);
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** Keys of one kind; every fourth is unknown to the server (dead-lettered as SESSION_NOT_FOUND). */
    private static List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean known = i % 4 != 3;
            String key = TestSecrets.sessionKey(prefix + (known ? "k" : "u"));
            if (known) {
                SIMULATOR.addSession(key, 20_000 + i);
            }
            keys.add(key);
        }
        return keys;
    }

    /** The keys of the queue route's exchanges in progress (delivered by the broker, not committed yet). */
    private Set<String> inFlightKeys() {
        return context.getInflightRepository().browse("session-reporter-queue-trigger").stream()
                .map(inflight -> inflight.getExchange().getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class))
                .collect(Collectors.toSet());
    }

    private static boolean unknownToServer(String key) {
        return key.startsWith("hasu") || key.startsWith("hafu");
    }

    /** Body -> failure reason of every message on the dead-letter queue of that broker. */
    private static Map<String, String> deadLetterReasons(BrokerProcess broker) {
        try (QueueClient client = new QueueClient(broker.port())) {
            Map<String, String> reasons = new HashMap<>();
            for (Message message : client.browse(QueueClient.DEAD_LETTER_QUEUE)) {
                reasons.putIfAbsent(((TextMessage) message).getText(),
                        QueueClient.property(ReporterHeaders.FAILURE_REASON, String.class).apply(message));
            }
            return reasons;
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An operator's producer on the pair: it fails over with the client and sends a key again until the broker
     * confirms it; the key is the message's duplicate id, so a retried send whose first attempt had arrived is dropped
     * by the broker (its duplicate cache is in the shared journal) instead of queued twice.
     */
    private static final class FailoverSender implements AutoCloseable {
        private final ActiveMQConnectionFactory factory;
        private final Connection connection;

        FailoverSender(String pairUrl) throws JMSException {
            factory = new ActiveMQConnectionFactory(pairUrl + "?ha=true&reconnectAttempts=-1&retryInterval=100");
            connection = factory.createConnection();
        }

        synchronized void send(String key) {
            while (true) {
                try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        MessageProducer producer = session.createProducer(session.createQueue(QueueClient.INPUT_QUEUE))) {
                    TextMessage message = session.createTextMessage(key);
                    message.setStringProperty(org.apache.activemq.artemis.api.core.Message.HDR_DUPLICATE_DETECTION_ID.toString(), key);
                    producer.send(message);
                    return;
                } catch (JMSException failedOver) {
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            }
        }

        @Override
        public void close() throws JMSException {
            connection.close();
            factory.close();
        }
    }
}
