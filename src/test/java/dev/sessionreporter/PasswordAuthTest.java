package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * superoffice.auth.mode=password against the simulator's SoPrincipal: the reporter logs in by itself, shares one
 * ticket, renews it once when the server rejects it (however many consumers saw the rejection), and dead-letters as
 * AUTHENTICATION_FAILED, logged once, when the login is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PasswordAuthTest extends ReporterTestSupport {
    private static final String USER = "reporter";
    private static final String PASSWORD = "Pa55-w0rd-5ecret-x7";
    // attached before the Camel context exists: every log line of the class is scanned for secrets at the end
    private static final CapturedLog WHOLE_LOG = CapturedLog.attach();
    private static int loginsBeforeStart;

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addUser(USER, PASSWORD);
        loginsBeforeStart = SIMULATOR.loginCount();
        Properties properties = new Properties();
        // the login at start-up is asserted
        properties.setProperty("superoffice.auth.login-at-start", "true");
        // credentials: password mode with the simulator's user instead of a fixed ticket
        properties.setProperty("superoffice.auth.mode", "password");
        properties.setProperty("superoffice.ticket", "");
        properties.setProperty("superoffice.username", USER);
        properties.setProperty("superoffice.password", PASSWORD);
        // the next login after a failure within the test's wait, not after the shipped 30 s
        properties.setProperty("superoffice.auth.retry-after", "1s");
        // a few parallel consumers: many reports seeing one expired ticket must cause one login
        properties.setProperty("reporter.queue.concurrent-consumers", "4");
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
    void supportCaseTicketNotFoundIsDeadLetteredWithoutARelogin() throws Exception {
        assertThat(SIMULATOR.loginCount() - loginsBeforeStart).as("logged in at start, before any report").isEqualTo(1);
        // "Ticket 4711 not found" is about a Customer Service support case; its ExceptionType is no credentials type
        String key = TestSecrets.sessionKey("case");
        SIMULATOR.addSession(key, 41);
        SIMULATOR.failFor(key, SimulatedFailure.serverException("SoServerException", "Ticket 4711 not found"));
        int logins = SIMULATOR.loginCount();

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 10_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SERVER_REJECTED");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL))
                .isEqualTo("Succeeded=false: SoServerException: Ticket 4711 not found");
        assertThat(SIMULATOR.requestsFor(key)).as("no retry after a re-login").hasSize(1);
        assertThat(SIMULATOR.loginCount()).as("no re-login").isEqualTo(logins);
    }

    @Test
    @Order(2)
    void unreachableSoPrincipalLeavesTheKeyOnTheQueueUntilTheLoginWorksAgain() throws Exception {
        String before = TestSecrets.sessionKey("pre1");
        SIMULATOR.addSession(before, 42);
        queue().sendText(before);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(before) == 1);

        // the ticket is rejected while SoPrincipal's load balancer closes every connection: no usable ticket
        SIMULATOR.failLogins(SimulatedFailure.dropConnection());
        SIMULATOR.expireAllTickets();
        String waiting = TestSecrets.sessionKey("wait");
        SIMULATOR.addSession(waiting, 43);
        queue().sendText(waiting);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.authenticationRequests().stream()
                .filter(request -> request.responseStatus() == 0).count() >= 1);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 500)).as("a login outage is no reason to dead-letter")
                .isNull();

        SIMULATOR.clearFailures();
        await().atMost(Duration.ofSeconds(30)).until(() -> SIMULATOR.acceptedReportCount(waiting) == 1);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).isNull();
    }

    @Test
    @Order(3)
    void logsInRenewsOnceWhenTheTicketExpiresAndDeadLettersWhenTheLoginIsRefused() throws Exception {
        // one login so far for the ticket in use (at start, or after the recovery of the test before)
        int loginsBefore = SIMULATOR.loginCount() - 1;
        String first = TestSecrets.sessionKey("pwd1");
        SIMULATOR.addSession(first, 11);

        queue().sendText(first);

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(first) == 1);
        ReceivedRequest request = SIMULATOR.requestsFor(first).get(0);
        assertThat(request.ticket()).as("an issued ticket, not a configured one").startsWith("7T:")
                .isNotEqualTo(TestSecrets.TICKET);
        assertThat(SIMULATOR.loginCount() - loginsBefore).isEqualTo(1);

        // the ticket expires mid-run while four consumers report: exactly one new login
        SIMULATOR.expireAllTickets();
        List<String> keys = keys("pwd", 20);
        keys.forEach(queue()::sendText);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> keys.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) == 1));
        assertThat(SIMULATOR.loginCount() - loginsBefore).as("one login for all the rejections").isEqualTo(2);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).as("nothing dead-lettered").isNull();

        // the password is changed on the server: the renewal fails, every report dead-letters, logged once
        SIMULATOR.addUser(USER, "changed-by-the-admin");
        SIMULATOR.expireAllTickets();
        List<String> refused = keys("ref", 5);
        try (CapturedLog log = CapturedLog.attach()) {
            refused.forEach(queue()::sendText);
            List<Message> deadLetters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Message message = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 100);
                if (message != null) {
                    deadLetters.add(message);
                }
                return deadLetters.size() == refused.size();
            });
            for (Message deadLetter : deadLetters) {
                assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("AUTHENTICATION_FAILED");
                // why the login was needed (the server's rejection, its ExceptionInfo) and why it failed
                assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("AuthenticationSucceeded=false")
                        .contains(CustomerServiceSimulator.REJECTED_IDENTITY_TYPE)
                        .doesNotContain(PASSWORD).doesNotContain("changed-by-the-admin");
            }
            assertThat(log.lines()).filteredOn(line -> line.contains("SuperOffice login failed")).hasSize(1);
        }
        assertNoSecretLogged(keys);
    }

    /** Neither password, token, nor any ticket the server issued, nor a session key appears in any log line. */
    private static void assertNoSecretLogged(List<String> keys) {
        String log = WHOLE_LOG.text();
        assertThat(log.contains(PASSWORD)).as("the password is logged").isFalse();
        assertThat(log.contains("changed-by-the-admin")).as("the changed password is logged").isFalse();
        assertThat(log.contains(TestSecrets.APPLICATION_TOKEN)).as("the application token is logged").isFalse();
        List<String> issuedTickets = keys.stream().flatMap(key -> SIMULATOR.requestsFor(key).stream())
                .map(ReceivedRequest::ticket).distinct().toList();
        assertThat(issuedTickets).isNotEmpty();
        assertThat(issuedTickets.stream().anyMatch(log::contains)).as("an issued ticket is logged").isFalse();
        assertThat(keys.stream().anyMatch(log::contains)).as("a session key is logged").isFalse();
        assertThat(log).contains("Logged in to SuperOffice");
    }

    private static List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = TestSecrets.sessionKey(prefix + (char) ('a' + i));
            SIMULATOR.addSession(key, 100 + i);
            keys.add(key);
        }
        return keys;
    }
}
