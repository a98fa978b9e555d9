package dev.sessionreporter;

import static dev.sessionreporter.support.ManagementClient.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The management server on loopback: /observe/health (readiness flips DOWN during a SuperOffice outage and UP after
 * it) and /observe/metrics (the reporter's counters move by known numbers), scraped over HTTP like Prometheus or a
 * load balancer would. No secret or session key appears in either.
 */
class OperateEndpointsTest extends ReporterTestSupport {
    private static final int MANAGEMENT_PORT = FreePort.find();
    private static final ManagementClient MANAGEMENT = new ManagementClient(MANAGEMENT_PORT);
    private final List<String> usedKeys = new ArrayList<>();

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // health and metrics are the subject, on a free port
        properties.setProperty("reporter.management.enabled", "true");
        properties.setProperty("reporter.management.port", Integer.toString(MANAGEMENT_PORT));
        return properties;
    }

    @Test
    void metricsCountReportsByOutcomeAndReasonRedeliveriesAndDuplicates() throws Exception {
        String before = get("/observe/metrics").body();
        double reported = value(before, "sessionreporter_reports_total", "outcome=\"reported\"");
        double notFound = value(before, "sessionreporter_reports_total", "outcome=\"dead_lettered\"", "reason=\"session_not_found\"");
        double unreachable = value(before, "sessionreporter_reports_total", "outcome=\"dead_lettered\"", "reason=\"unreachable\"");
        double redeliveries = value(before, "sessionreporter_redeliveries_total");
        double duplicates = value(before, "sessionreporter_duplicates_suppressed_total");
        double answeredCalls = value(before, "sessionreporter_soap_calls_seconds_count", "outcome=\"answered\"");
        double unreachableCalls = value(before, "sessionreporter_soap_calls_seconds_count", "outcome=\"unreachable\"");

        // 3 successes, the first of them queued twice (one suppressed duplicate)
        for (int i = 0; i < 3; i++) {
            String key = key("ok" + i);
            SIMULATOR.addSession(key, 700 + i);
            queue().sendText(key);
            if (i == 0) {
                queue().sendText(key);
            }
        }
        // 2 unknown sessions: dead-lettered at once
        for (int i = 0; i < 2; i++) {
            queue().sendText(key("nf" + i));
        }
        // 1 key whose calls are all dropped: 1 call + 2 retries, then dead-lettered as UNREACHABLE
        String dropped = key("dr");
        SIMULATOR.addSession(dropped, 799);
        SIMULATOR.failFor(dropped, SimulatedFailure.dropConnection());
        queue().sendText(dropped);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String now = get("/observe/metrics").body();
            assertThat(value(now, "sessionreporter_reports_total", "outcome=\"reported\"") - reported).isEqualTo(3);
            assertThat(value(now, "sessionreporter_reports_total", "outcome=\"dead_lettered\"", "reason=\"session_not_found\"")
                    - notFound).isEqualTo(2);
            assertThat(value(now, "sessionreporter_reports_total", "outcome=\"dead_lettered\"", "reason=\"unreachable\"")
                    - unreachable).isEqualTo(1);
        });
        String after = get("/observe/metrics").body();
        assertThat(value(after, "sessionreporter_duplicates_suppressed_total") - duplicates).isEqualTo(1);
        assertThat(value(after, "sessionreporter_redeliveries_total") - redeliveries).isEqualTo(2);
        assertThat(value(after, "sessionreporter_soap_calls_seconds_count", "outcome=\"answered\"") - answeredCalls)
                .as("3 reported + 2 Response=0 answers").isEqualTo(5);
        assertThat(value(after, "sessionreporter_soap_calls_seconds_count", "outcome=\"unreachable\"") - unreachableCalls)
                .isEqualTo(3);
        assertThat(value(after, "sessionreporter_logins_total", "outcome=\"succeeded\"")).as("auth mode ticket: no login")
                .isZero();
        assertThat(value(after, "sessionreporter_circuit_breaker_state", "state=\"closed\"")).as("on, as shipped").isEqualTo(1);
        assertThat(after).as("timer disabled here: never the leader").contains("sessionreporter_timer_leader 0.0")
                .contains("sessionreporter_timer_keys_skipped_total 0.0")
                .contains("sessionreporter_dead_letter_failures_total 0.0");
        assertThat(after).contains("sessionreporter_soap_calls_seconds_bucket");
        // Camel's own route metrics are in the same registry, per route only (camel.metrics.route-policy-level=route),
        // for the routes a message enters and leaves by, not for the inner steps every key passes (CamelMeterScope)
        assertThat(after).contains("camel_exchanges_total{").contains("routeId=\"session-reporter-queue-trigger\"")
                .contains("routeId=\"session-reporter-dead-letter\"")
                .doesNotContain("routeId=\"session-reporter-report\"").doesNotContain("routeId=\"session-reporter-call\"")
                .doesNotContain("eventType=\"context\"").contains("camel_routes_running_routes");
        assertNoSecrets(after);
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).isEmpty();
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @Test
    void readinessGoesDownWhileSuperOfficeIsUnreachableAndUpAfterwards() throws Exception {
        String ok = key("up");
        SIMULATOR.addSession(ok, 800);
        queue().sendText(ok);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(ok) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/observe/health/ready").statusCode() == 200);
        assertThat(get("/observe/health").body()).contains("UP");

        SIMULATOR.failAll(SimulatedFailure.dropConnection());
        queue().sendText(key("o1"));   // 3 calls, all UNREACHABLE: the threshold

        await().atMost(Duration.ofSeconds(15)).until(() -> get("/observe/health/ready").statusCode() == 503);
        HttpResponse<String> ready = get("/observe/health/ready?data=true");
        assertThat(ready.body()).contains("DOWN").contains("superoffice-reachable");
        assertThat(get("/observe/health/live").statusCode()).as("liveness is not about SuperOffice").isEqualTo(200);
        assertNoSecrets(ready.body());

        SIMULATOR.clearFailures();
        String back = key("bk");
        SIMULATOR.addSession(back, 801);
        queue().sendText(back);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(back) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/observe/health/ready").statusCode() == 200);
        String health = get("/observe/health?data=true").body();
        assertThat(health).contains("UP");
        assertNoSecrets(health);
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @Test
    void managementServerListensOnLoopbackOnly() throws Exception {
        assertThat(get("/observe/metrics").statusCode()).isEqualTo(200);
        // reporter.management.host = 127.0.0.1: not reachable on any other address of this machine
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                    continue;
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, MANAGEMENT_PORT), 1000);
                    throw new AssertionError("management server reachable on " + address.getHostAddress());
                } catch (IOException expected) {
                    // refused: bound to loopback only
                }
            }
        }
    }

    private String key(String prefix) {
        String key = TestSecrets.sessionKey(prefix);
        usedKeys.add(key);
        return key;
    }

    private void assertNoSecrets(String text) {
        assertThat(text).doesNotContain(TestSecrets.APPLICATION_TOKEN).doesNotContain(TestSecrets.TICKET);
        for (String key : usedKeys) {
            assertThat(text).doesNotContain(key);
        }
    }

    private static HttpResponse<String> get(String path) {
        return MANAGEMENT.get(path);
    }
}
