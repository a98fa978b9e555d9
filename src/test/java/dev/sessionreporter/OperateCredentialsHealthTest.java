package dev.sessionreporter;

import static dev.sessionreporter.support.ManagementClient.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.ManagementClient;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Mode password: readiness is DOWN over HTTP while reports have no usable ticket — the login endpoint unreachable (the
 * key waits on the queue, nothing is dead-lettered) or the login refused — and UP after the next successful login;
 * the login counters move with it. Neither output shows the password or a ticket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperateCredentialsHealthTest extends ReporterTestSupport {
    private static final String USER = "ops-reporter";
    private static final String PASSWORD = "Ops-Pa55-w0rd-5ecret-k3";
    private static final int MANAGEMENT_PORT = FreePort.find();
    private static final ManagementClient MANAGEMENT = new ManagementClient(MANAGEMENT_PORT);

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addUser(USER, PASSWORD);
        Properties properties = new Properties();
        // the credentials check reports the login at start-up, the subject here
        properties.setProperty("superoffice.auth.login-at-start", "true");
        // credentials: password mode with the simulator's user instead of a fixed ticket
        properties.setProperty("superoffice.auth.mode", "password");
        properties.setProperty("superoffice.ticket", "");
        properties.setProperty("superoffice.username", USER);
        properties.setProperty("superoffice.password", PASSWORD);
        // the next login after a failure within the test's wait, not after the shipped 30 s
        properties.setProperty("superoffice.auth.retry-after", "1s");
        // the health endpoint is the subject, on a free port
        properties.setProperty("reporter.management.enabled", "true");
        properties.setProperty("reporter.management.port", Integer.toString(MANAGEMENT_PORT));
        // as shipped, a login outage counts against the circuit breaker; a short open state lets the test see the recovery
        properties.setProperty("reporter.circuit-breaker.enabled", "true");
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "1s");
        return properties;
    }

    @AfterAll
    void restoreSimulator() {
        SIMULATOR.setAcceptFixedTicket(true);
        SIMULATOR.addUser(USER, PASSWORD);
    }

    @Test
    @Order(1)
    void readinessIsDownWhileTheLoginEndpointIsUnreachableAndNothingIsDeadLettered() throws Exception {
        assertThat(get("/observe/health/ready").statusCode()).as("logged in at start").isEqualTo(200);
        // SoPrincipal's load balancer answers 503 and the server then rejects the ticket: no usable ticket
        SIMULATOR.failLogins(SimulatedFailure.httpStatus(503));
        SIMULATOR.expireAllTickets();
        String waiting = TestSecrets.sessionKey("una");
        SIMULATOR.addSession(waiting, 30);

        queue().sendText(waiting);

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/observe/health/ready").statusCode() == 503);
        HttpResponse<String> down = get("/observe/health/ready?data=true");
        assertThat(down.body()).contains("superoffice-credentials", "LOGIN_UNAVAILABLE", "503");
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 500)).as("a login outage is no reason to dead-letter")
                .isNull();
        assertThat(value(get("/observe/metrics").body(), "sessionreporter_logins_total", "outcome=\"failed\""))
                .isPositive();

        // the login service is back: the key, still on the queue, is reported and readiness is UP again
        SIMULATOR.clearFailures();
        await().atMost(Duration.ofSeconds(30)).until(() -> SIMULATOR.acceptedReportCount(waiting) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/observe/health/ready").statusCode() == 200);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).isNull();
    }

    @Test
    @Order(2)
    void readinessIsDownWhileTheLoginIsRefusedAndUpAfterTheNextLogin() throws Exception {
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        String before = get("/observe/metrics").body();
        double succeeded = value(before, "sessionreporter_logins_total", "outcome=\"succeeded\"");
        double failed = value(before, "sessionreporter_logins_total", "outcome=\"failed\"");

        // the password is changed on the server and the ticket expires: the renewal is refused
        SIMULATOR.addUser(USER, "changed-by-the-admin");
        SIMULATOR.expireAllTickets();
        String refused = TestSecrets.sessionKey("ref");
        SIMULATOR.addSession(refused, 31);
        queue().sendText(refused);
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 10_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("AUTHENTICATION_FAILED");

        HttpResponse<String> down = get("/observe/health/ready?data=true");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("superoffice-credentials").contains("DOWN");
        assertThat(get("/observe/health/live").statusCode()).as("liveness is not about credentials").isEqualTo(200);
        String metrics = get("/observe/metrics").body();
        assertThat(value(metrics, "sessionreporter_logins_total", "outcome=\"failed\"")).isEqualTo(failed + 1);
        assertThat(value(metrics, "sessionreporter_reports_total", "outcome=\"dead_lettered\"", "reason=\"authentication_failed\""))
                .isEqualTo(1);

        // the admin restores the password: after superoffice.auth.retry-after the next report logs in again
        SIMULATOR.addUser(USER, PASSWORD);
        Thread.sleep(1100);
        String back = TestSecrets.sessionKey("bak");
        SIMULATOR.addSession(back, 32);
        queue().sendText(back);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(back) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/observe/health/ready").statusCode() == 200);
        metrics = get("/observe/metrics").body();
        assertThat(value(metrics, "sessionreporter_logins_total", "outcome=\"succeeded\"")).isEqualTo(succeeded + 1);

        String all = down.body() + get("/observe/health?data=true").body() + metrics;
        assertThat(all).doesNotContain(PASSWORD).doesNotContain("changed-by-the-admin").doesNotContain("7T:")
                .doesNotContain(TestSecrets.APPLICATION_TOKEN).doesNotContain(refused).doesNotContain(back);
    }

    private static HttpResponse<String> get(String path) {
        return MANAGEMENT.get(path);
    }
}
