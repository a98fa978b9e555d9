package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.operate.CredentialsCheck;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.PartnerKeys;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * superoffice.auth.mode=system-user against the simulator's PartnerSystemUser endpoint: the signed system-user token
 * is exchanged for a JWT whose signature is verified against the JWKS; its ticket is used, and its netserver_url
 * (another tenant path than superoffice.url, naming another Services version) is where the calls go. A JWT from an
 * unknown key is refused; an unreachable login service is waited out, not dead-lettered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemUserAuthTest extends ReporterTestSupport {
    private static final String SYSTEM_USER_TOKEN = "SysUserTok-" + TestSecrets.sessionKey("sys1");
    private static final String CONTEXT = "Cust12345";
    private static final KeyPair PARTNER_KEY = PartnerKeys.rsaKeyPair();
    // attached before the Camel context exists: every log line of the class is scanned for secrets at the end
    private static final CapturedLog WHOLE_LOG = CapturedLog.attach();

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSystemUser(SYSTEM_USER_TOKEN, CONTEXT, PARTNER_KEY.getPublic());
        Properties properties = new Properties();
        // credentials and addresses: the simulator's Online system user and its login and JWKS endpoints
        properties.setProperty("superoffice.auth.mode", "system-user");
        properties.setProperty("superoffice.ticket", "");
        properties.setProperty("superoffice.auth.system-user-token", SYSTEM_USER_TOKEN);
        properties.setProperty("superoffice.auth.private-key-file", PartnerKeys.privateKeyPem(PARTNER_KEY).toString());
        properties.setProperty("superoffice.auth.context-identifier", CONTEXT);
        properties.setProperty("superoffice.auth.system-user-url", SIMULATOR.partnerSystemUserUrl());
        properties.setProperty("superoffice.auth.jwks-url", SIMULATOR.jwksUrl());
        // the next login after a failure within the test's wait, not after the shipped 30 s
        properties.setProperty("superoffice.auth.retry-after", "1s");
        // as shipped, a login outage counts against the circuit breaker; a short open state lets the test see the recovery
        properties.setProperty("reporter.circuit-breaker.enabled", "true");
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "1s");
        return properties;
    }

    @Test
    @Order(1)
    void unreachablePartnerSystemUserIsRetriedAndNeverDeadLettered() throws Exception {
        String before = TestSecrets.sessionKey("sysb");
        SIMULATOR.addSession(before, 24);
        queue().sendText(before);
        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.acceptedReportCount(before) == 1);

        // the login service answers 503 (its load balancer) and the server rejects the ticket in use
        SIMULATOR.failLogins(SimulatedFailure.httpStatus(503));
        SIMULATOR.expireAllTickets();
        String waiting = TestSecrets.sessionKey("sysw");
        SIMULATOR.addSession(waiting, 25);
        queue().sendText(waiting);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.authenticationRequests().stream()
                .filter(request -> request.responseStatus() == 503).count() >= 1);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 500)).as("a login outage is no reason to dead-letter")
                .isNull();
        assertThat(context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCredentialsCheck", CredentialsCheck.class).call()
                .getState()).isEqualTo(HealthCheck.State.DOWN);

        SIMULATOR.clearFailures();
        await().atMost(Duration.ofSeconds(30)).until(() -> SIMULATOR.acceptedReportCount(waiting) == 1);
        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 300)).isNull();
    }

    @Test
    @Order(2)
    void exchangesTheSignedTokenForAVerifiedJwtAndCallsTheTenantsCurrentHost() throws Exception {
        SIMULATOR.expireAllTickets(); // this test starts with a login of its own
        int loginsBefore = SIMULATOR.loginCount();
        String key = TestSecrets.sessionKey("syst");
        SIMULATOR.addSession(key, 21);

        queue().sendText(key);

        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        List<ReceivedRequest> requests = SIMULATOR.requestsFor(key);
        ReceivedRequest request = requests.get(requests.size() - 1);
        assertThat(request.ticket()).startsWith("7T:").isNotEqualTo(TestSecrets.TICKET);
        // the JWT's netserver_url names the tenant with another Services version (.../Remote/Services86/, as
        // SuperOffice's published sample): the call goes to that tenant's Services88 CustomerService
        assertThat(request.path()).as("netserver_url of the JWT, not superoffice.url's tenant")
                .isEqualTo("/" + CONTEXT + "/Remote/Services88/CustomerService.svc");
        assertThat(SIMULATOR.loginCount() - loginsBefore).isEqualTo(1);

        // the partner key is replaced on the server: the next login's signature no longer verifies
        SIMULATOR.addSystemUser(SYSTEM_USER_TOKEN, CONTEXT, PartnerKeys.rsaKeyPair().getPublic());
        SIMULATOR.expireAllTickets();
        String refused = TestSecrets.sessionKey("sysr");
        SIMULATOR.addSession(refused, 22);

        queue().sendText(refused);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("AUTHENTICATION_FAILED");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).contains("refused the system user")
                .doesNotContain(SYSTEM_USER_TOKEN);
        SIMULATOR.addSystemUser(SYSTEM_USER_TOKEN, CONTEXT, PARTNER_KEY.getPublic());

        // a JWT that has already expired when it arrives (the server's clock 2 minutes behind, 1 s lifetime: past
        // the 60 s clock skew the verifier allows) is refused too
        Thread.sleep(1_200); // superoffice.auth.retry-after after the refused login above
        SIMULATOR.setTicketLifetime(Duration.ofSeconds(1));
        SIMULATOR.setClock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(-2)));
        SIMULATOR.expireAllTickets();
        String expiredJwt = TestSecrets.sessionKey("syse");
        SIMULATOR.addSession(expiredJwt, 23);
        try {
            queue().sendText(expiredJwt);

            Message expired = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
            assertThat(expired).isNotNull();
            assertThat(expired.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(expired.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).containsIgnoringCase("expired");
        } finally {
            SIMULATOR.setClock(java.time.Clock.systemUTC());
            SIMULATOR.setTicketLifetime(Duration.ofHours(6));
        }

        String log = WHOLE_LOG.text();
        String privateKey = Base64.getEncoder().encodeToString(PARTNER_KEY.getPrivate().getEncoded());
        assertThat(log.contains(SYSTEM_USER_TOKEN)).as("the system user token is logged").isFalse();
        assertThat(log.contains(privateKey.substring(0, 40))).as("the private key is logged").isFalse();
        assertThat(log.contains(request.ticket())).as("the issued ticket is logged").isFalse();
        assertThat(log.contains(TestSecrets.APPLICATION_TOKEN)).as("the application token is logged").isFalse();
        assertThat(log.contains(key)).as("the session key is logged").isFalse();
        assertThat(log).contains("Logged in to SuperOffice", "SuperOffice login failed");
    }
}
