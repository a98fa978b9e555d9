package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.BrokerProcess;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.FaultInjectingTcpProxy;
import dev.sessionreporter.support.FullSuite;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The reporter's connection to an external broker is cut while reports are in flight — a
 * {@link FaultInjectingTcpProxy} between them resets it, both ends stay up — with duplicate suppression as shipped.
 * The broker redelivers the messages in flight once the reporter is connected again; the first attempts can then
 * neither commit nor dead-letter. A redelivered message is not a duplicate of its own earlier attempt: every key ends
 * reported or dead-lettered with its reason, and the reporter is ready again.
 */
@FullSuite
class BrokerConnectionCutTest extends ReporterTestSupport {
    private static final BrokerProcess BROKER = BrokerProcess.startNew();
    private static final FaultInjectingTcpProxy PROXY = new FaultInjectingTcpProxy(BROKER.port());
    /** Long enough that the redeliveries arrive while the first attempts still wait for their answers. */
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(5);

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // address: the external broker, through the proxy the test cuts
        properties.setProperty("broker.url", PROXY.url());
        // reconnects (and so receives the redeliveries) well within SLOW_ANSWER instead of after the shipped 5 s
        properties.setProperty("broker.reconnect-interval", "1s");
        // one message per consumer, so that every key is in flight at once (the shipped 8 KiB window would hand all of
        // them to the first consumer, which reports them one after the other)
        properties.setProperty("broker.consumer-window-size", "0");
        return properties;
    }

    /** The reporter first (it would otherwise see one more outage while stopping), then the proxy and the broker. */
    @AfterAll
    void stopReporterThenBroker() {
        context.stop();
        PROXY.close();
        BROKER.close();
    }

    @Test
    void losesNoKeyWhenTheBrokerConnectionIsCutMidReportWithDuplicateSuppressionOn() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // the masked key (its first four characters) names each key in a failure
            String known = TestSecrets.sessionKey("ctk" + i);
            SIMULATOR.addSession(known, 6_000 + i);
            keys.add(known);
            keys.add(TestSecrets.sessionKey("ctu" + i)); // unknown to the server: dead-lettered as SESSION_NOT_FOUND
        }
        // the first attempt of each key waits for its answer; the redelivery is answered at once
        keys.forEach(key -> SIMULATOR.failFor(key, SimulatedFailure.failTimes(1, SimulatedFailure.delay(SLOW_ANSWER))));

        try (QueueClient sender = new QueueClient(BROKER.port())) {
            keys.forEach(sender::sendText);
            await("every key in flight").atMost(Duration.ofSeconds(10))
                    .until(() -> context.getInflightRepository().size("session-reporter-queue-trigger") == keys.size());

            PROXY.refuseNew();
            assertThat(PROXY.cutAll()).as("connections cut").isPositive();
            Thread.sleep(500);
            PROXY.acceptNew();
            // the first attempts end too (their slow answers come, their transactions are gone) before the count
            await("no report in flight").atMost(SLOW_ANSWER.multipliedBy(3))
                    .until(() -> context.getInflightRepository().size() == 0);

            CountingInvariant.of(keys).assertHolds(sender, key -> SIMULATOR.acceptedReportCount(key) > 0, context,
                    SLOW_ANSWER.multipliedBy(4));
        }
        QueueDuplicates duplicates = context.getRegistry().findSingleByType(QueueDuplicates.class);
        assertThat(duplicates.getSuppressedCount()).as("redeliveries suppressed as duplicates of their first attempts")
                .isZero();
        assertThat(context.getRouteController().getRouteStatus("session-reporter-queue-trigger")).isEqualTo(ServiceStatus.Started);
    }
}
