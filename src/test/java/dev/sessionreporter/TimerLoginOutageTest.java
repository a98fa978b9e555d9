package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mode password with the timer: while SoPrincipal is unreachable and the server rejects the ticket, the timer's key
 * is not dead-lettered; it waits for the next tick and is reported once the login works again.
 */
class TimerLoginOutageTest extends ReporterTestSupport {
    private static final String USER = "timer-reporter";
    private static final String PASSWORD = "Timer-Pa55-w0rd-5ecret-q9";
    private static final String KEY = TestSecrets.sessionKey("tlo1");

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addUser(USER, PASSWORD);
        SIMULATOR.addSession(KEY, 51);
        Properties properties = new Properties();
        // the subject: timer keys, reported by this instance, with a ticket from SoPrincipal
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.session-keys", KEY);
        // ticks often enough to see several within the test
        properties.setProperty("reporter.timer.period", "300");
        properties.setProperty("reporter.timer.initial-delay", "100");
        // only the timer path is under test
        properties.setProperty("reporter.queue.enabled", "false");
        properties.setProperty("superoffice.auth.mode", "password");
        properties.setProperty("superoffice.ticket", "");
        properties.setProperty("superoffice.username", USER);
        properties.setProperty("superoffice.password", PASSWORD);
        // a new login attempt within the test rather than after the shipped 30 s
        properties.setProperty("superoffice.auth.retry-after", "1s");
        // as shipped, a login outage counts against the circuit breaker; a short open state lets the test see the recovery
        properties.setProperty("reporter.circuit-breaker.enabled", "true");
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "1s");
        return properties;
    }

    @AfterAll
    void restoreSimulator() {
        SIMULATOR.clearFailures();
    }

    @Test
    void timerKeyWaitsForTheNextTickWhileTheLoginEndpointIsUnreachable() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(KEY) >= 1);

        // SoPrincipal's load balancer answers 503 and the server rejects the ticket in use: no usable ticket
        SIMULATOR.failLogins(SimulatedFailure.httpStatus(503));
        SIMULATOR.expireAllTickets();
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.authenticationRequests().stream()
                .filter(request -> request.responseStatus() == 503).count() >= 1);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).as("a login outage is no reason to dead-letter")
                .isNull();

        int reported = SIMULATOR.acceptedReportCount(KEY);
        SIMULATOR.clearFailures();
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(KEY) > reported);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).isNull();
    }
}
