package dev.sessionreporter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SoPrincipal AuthenticateUsernamePassword, and the tickets it issues as seen by CustomerService. */
class SoPrincipalSimulatorTest {

    private static final String TOKEN = "app-token-secret-0123456789";
    private static final String FIXED_TICKET = "7T:Zml4ZWQtdGlja2V0";
    private static final String USER = "sal0";
    private static final String PASSWORD = "pa55<word>&'\"";
    private static final String KEY = "abcdefghijklmnopqrstuvwxyz012345";
    private static final int LOGIN_ID = 77;
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String LOGIN_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePassword\"";
    private static final String REPORT_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"";
    private static final String TEXT_XML = "text/xml; charset=utf-8";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private CustomerServiceSimulator simulator;

    @BeforeEach
    void start() {
        simulator = new CustomerServiceSimulator(TOKEN, FIXED_TICKET).start(0);
        simulator.addUser(USER, PASSWORD);
        simulator.addSession(KEY, LOGIN_ID);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    // ------------------------------------------------------------------ raw requests

    private static String xmlText(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String loginEnvelope(String token, String user, String password) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\">"
                + "<s:Header>" + (token == null ? "" : "<ns:ApplicationToken>" + token + "</ns:ApplicationToken>")
                + "</s:Header>"
                + "<s:Body><ns:AuthenticateUsernamePassword>"
                + "<ns:UserName>" + xmlText(user) + "</ns:UserName>"
                + "<ns:Password>" + xmlText(password) + "</ns:Password>"
                + "</ns:AuthenticateUsernamePassword></s:Body></s:Envelope>";
    }

    private static String reportEnvelope(String ticket) {
        return "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\"><s:Header>"
                + "<ns:ApplicationToken>" + TOKEN + "</ns:ApplicationToken>"
                + "<ns:Credentials><ns:Ticket>" + ticket + "</ns:Ticket></ns:Credentials>"
                + "</s:Header><s:Body><ns:ReportSessionActive><ns:SessionKey>" + KEY
                + "</ns:SessionKey></ns:ReportSessionActive></s:Body></s:Envelope>";
    }

    private HttpResponse<String> post(String url, String body, String contentType, String action) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (action != null) {
            builder.header("SOAPAction", action);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> login(String body) throws Exception {
        return post(simulator.soPrincipalUrl(), body, TEXT_XML, LOGIN_ACTION);
    }

    private HttpResponse<String> report(String ticket) throws Exception {
        return post(simulator.customerServiceUrl(), reportEnvelope(ticket), TEXT_XML, REPORT_ACTION);
    }

    private static String element(String xml, String localName) {
        Matcher m = Pattern.compile("<(?:\\w+:)?" + localName + "(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?" + localName + ">")
                .matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    private String loginTicket() throws Exception {
        HttpResponse<String> response = login(loginEnvelope(TOKEN, USER, PASSWORD));
        assertThat(element(response.body(), "AuthenticationSucceeded")).isEqualTo("true");
        return element(response.body(), "Ticket");
    }

    private static void assertReported(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(element(response.body(), "Succeeded")).isEqualTo("true");
        assertThat(element(response.body(), "Response")).isEqualTo(Integer.toString(LOGIN_ID));
    }

    private static void assertTicketRejected(HttpResponse<String> response, String ticket) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(element(response.body(), "Succeeded")).isEqualTo("false");
        assertThat(element(response.body(), "ExceptionType")).isEqualTo("SoCredentialsException");
        // undocumented text, not written to match words a client might key on: ExceptionType decides
        assertThat(element(response.body(), "Message")).endsWith("Log in again.")
                .doesNotContainPattern("(?i)ticket|credential|authenticat|session expired");
        assertThat(element(response.body(), "Response")).isEqualTo("0");
        assertThat(response.body()).doesNotContain(ticket).doesNotContain(TOKEN);
    }

    private static void assertFault(HttpResponse<String> response, String code) {
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(element(response.body(), "faultcode")).isEqualTo(code);
    }

    // ------------------------------------------------------------------ login

    @Test
    void loginIssuesANewTicketEachTimeAndCountsIt() throws Exception {
        assertThat(simulator.soPrincipalUrl())
                .isEqualTo(simulator.baseUrl() + "/Cust00000/Remote/Services88/SoPrincipal.svc");
        HttpResponse<String> response = login(loginEnvelope(TOKEN, USER, PASSWORD));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue(TEXT_XML);
        String body = response.body();
        assertThat(body).startsWith("<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Header>")
                .contains("<ExceptionInfo xmlns=\"" + NS + "\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\""
                        + " i:nil=\"true\"/>")
                .contains("<ExtraInfo xmlns=\"" + NS + "\"", "<TimeZone xmlns=\"" + NS + "\"")
                .contains("<Succeeded xmlns=\"" + NS + "\">true</Succeeded>")
                .contains("<AuthenticateResponse xmlns=\"" + NS + "\"")
                .contains("<Credentials><Ticket>")
                .doesNotContain(xmlText(PASSWORD)).doesNotContain(TOKEN);
        assertThat(element(body, "AuthenticationSucceeded")).isEqualTo("true");
        assertThat(element(body, "Associate")).isEqualTo("SAL0");
        assertThat(element(body, "DatabaseContextIdentifier")).isEqualTo("Cust00000");
        String first = element(body, "Ticket");
        assertThat(first).matches("7T:[A-Za-z0-9+/]+=*");
        assertThat(simulator.loginCount()).isEqualTo(1);

        String second = loginTicket();
        assertThat(second).isNotEqualTo(first).startsWith("7T:");
        assertThat(simulator.loginCount()).isEqualTo(2);

        // both work on CustomerService, as does the fixed ticket
        assertReported(report(first));
        assertReported(report(second));
        assertReported(report(FIXED_TICKET));
        // recorded apart from the ReportSessionActive requests
        assertThat(simulator.authenticationRequests()).hasSize(2).allSatisfy(r -> {
            assertThat(r.accepted()).isTrue();
            assertThat(r.applicationToken()).isEqualTo(TOKEN);
            assertThat(r.toString()).doesNotContain(TOKEN);
        });
        assertThat(simulator.requests()).hasSize(3);
    }

    @Test
    void userNameIsCaseInsensitiveAndAnyContextPrefixWorks() throws Exception {
        HttpResponse<String> response = post(simulator.baseUrl() + "/Cust12345/Remote/Services88/SoPrincipal.svc",
                loginEnvelope(TOKEN, "SAL0", PASSWORD), TEXT_XML, LOGIN_ACTION);
        assertThat(element(response.body(), "AuthenticationSucceeded")).isEqualTo("true");
        assertThat(element(response.body(), "DatabaseContextIdentifier")).isEqualTo("Cust12345");
    }

    @Test
    void wrongPasswordOrUnknownUserFailsWithoutTicket() throws Exception {
        for (String[] attempt : new String[][] {{USER, "wrong-password-42"}, {"nobody", PASSWORD}, {USER, ""}}) {
            HttpResponse<String> response = login(loginEnvelope(TOKEN, attempt[0], attempt[1]));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(element(response.body(), "Succeeded")).isEqualTo("true");
            assertThat(element(response.body(), "AuthenticationSucceeded")).isEqualTo("false");
            assertThat(response.body()).doesNotContain("<Ticket>").contains("<Credentials i:nil=\"true\"/>")
                    .doesNotContain("wrong-password-42").doesNotContain(xmlText(PASSWORD));
        }
        assertThat(simulator.loginCount()).isZero();
        assertThat(simulator.authenticationRequests()).hasSize(3)
                .allSatisfy(r -> assertThat(r.rejectionReason()).isEqualTo("wrong user name or password"));
    }

    @Test
    void wrongOrMissingApplicationTokenIsRejected() throws Exception {
        for (String token : new String[] {"wrong-app-token-777", null}) {
            HttpResponse<String> response = login(loginEnvelope(token, USER, PASSWORD));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(element(response.body(), "Succeeded")).isEqualTo("false");
            assertThat(element(response.body(), "ExceptionType")).isEqualTo("SoApplicationTokenException");
            assertThat(element(response.body(), "AuthenticationSucceeded")).isEqualTo("false");
            assertThat(response.body()).doesNotContain("<Ticket>").doesNotContain(TOKEN)
                    .doesNotContain("wrong-app-token-777");
        }
        assertThat(simulator.loginCount()).isZero();
    }

    @Test
    void onSiteSimulatorWithoutApplicationTokenDoesNotCheckIt() throws Exception {
        try (CustomerServiceSimulator onSite = new CustomerServiceSimulator(null, FIXED_TICKET).start(0)) {
            onSite.addUser(USER, PASSWORD);
            HttpResponse<String> response = post(onSite.soPrincipalUrl(), loginEnvelope(null, USER, PASSWORD),
                    TEXT_XML, LOGIN_ACTION);
            assertThat(element(response.body(), "AuthenticationSucceeded")).isEqualTo("true");
            assertThat(onSite.loginCount()).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ strictness, as CustomerService

    @Test
    void loginIsAsStrictAsCustomerService() throws Exception {
        String valid = loginEnvelope(TOKEN, USER, PASSWORD);
        // SOAP 1.2
        assertThat(post(simulator.soPrincipalUrl(), valid, "application/soap+xml; charset=utf-8", null).statusCode())
                .isEqualTo(415);
        // a SOAP 1.2 envelope as text/xml: 400 without a body (CoreWCF, see CustomerServiceSimulatorTest)
        assertThat(login(valid.replace(SOAP11, SOAP12)).statusCode()).isEqualTo(400);
        // SOAPAction: missing, another operation's (an unquoted one is accepted: see the end of this test)
        assertFault(post(simulator.soPrincipalUrl(), valid, TEXT_XML, null), "a:ActionNotSupported");
        assertFault(post(simulator.soPrincipalUrl(), valid, TEXT_XML, REPORT_ACTION), "a:ActionNotSupported");
        // and the login action is not served by CustomerService
        assertFault(post(simulator.customerServiceUrl(), valid, TEXT_XML, LOGIN_ACTION), "a:ActionNotSupported");
        // body namespace, parameter order, unknown parameter
        assertFault(login(valid.replace("xmlns:ns=\"" + NS + "\"",
                "xmlns:ns=\"http://www.superoffice.net/ws/crm/NetServer/Services87\"")), "a:DeserializationFailed");
        String swapped = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\"><s:Header>"
                + "<ns:ApplicationToken>" + TOKEN + "</ns:ApplicationToken></s:Header><s:Body>"
                + "<ns:AuthenticateUsernamePassword><ns:Password>x</ns:Password><ns:UserName>" + USER
                + "</ns:UserName></ns:AuthenticateUsernamePassword></s:Body></s:Envelope>";
        // out of order: the formatter skips UserName after Password (DataContractSerializerOperationFormatter), so
        // no user name arrives and the login fails without a fault
        assertThat(element(login(swapped).body(), "AuthenticationSucceeded")).isEqualTo("false");
        // ApplicationToken directly under Envelope (the vendor sample's mistake)
        String outside = valid.replace("<s:Header><ns:ApplicationToken>" + TOKEN + "</ns:ApplicationToken></s:Header>",
                "<ns:ApplicationToken>" + TOKEN + "</ns:ApplicationToken>");
        HttpResponse<String> response = login(outside);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEmpty();
        // GET
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(simulator.soPrincipalUrl())).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);

        assertThat(simulator.loginCount()).isZero();
        assertThat(simulator.requests()).hasSize(1); // the login envelope posted to CustomerService.svc

        // an unknown element inside the operation is skipped, an unquoted SOAPAction accepted: the login succeeds
        assertThat(element(login(valid.replace("<ns:UserName>", "<ns:Login>x</ns:Login><ns:UserName>")).body(),
                "AuthenticationSucceeded")).isEqualTo("true");
        assertThat(element(post(simulator.soPrincipalUrl(), valid, TEXT_XML, LOGIN_ACTION.replace("\"", "")).body(),
                "AuthenticationSucceeded")).isEqualTo("true");
        assertThat(simulator.loginCount()).isEqualTo(2);
    }

    @Test
    void credentialsHeaderIsIgnoredButMustUnderstandHeadersFault() throws Exception {
        String withCredentials = loginEnvelope(TOKEN, USER, PASSWORD).replace("</s:Header>",
                "<ns:Credentials><ns:Ticket>7T:old</ns:Ticket></ns:Credentials></s:Header>");
        assertThat(element(login(withCredentials).body(), "AuthenticationSucceeded")).isEqualTo("true");
        String mustUnderstand = loginEnvelope(TOKEN, USER, PASSWORD).replace("</s:Header>",
                "<x:Trace xmlns:x=\"urn:example\" s:mustUnderstand=\"1\">1</x:Trace></s:Header>");
        assertFault(login(mustUnderstand), "s:MustUnderstand");
    }

    // ------------------------------------------------------------------ tickets on CustomerService

    @Test
    void expiredOrUnknownTicketIsRejectedLikeTheRealServer() throws Exception {
        String ticket = loginTicket();
        assertReported(report(ticket));

        simulator.expireAllTickets();
        HttpResponse<String> expired = report(ticket);
        assertTicketRejected(expired, ticket);
        assertThat(element(expired.body(), "Message")).isEqualTo("The login has timed out. Log in again.");
        assertThat(simulator.lastRequest()).get()
                .satisfies(r -> assertThat(r.rejectionReason()).isEqualTo("expired ticket"));
        // the fixed ticket stays valid
        assertReported(report(FIXED_TICKET));
        // a never-issued ticket
        assertTicketRejected(report("7T:bmV2ZXItaXNzdWVk"), "7T:bmV2ZXItaXNzdWVk");
        assertThat(simulator.lastRequest()).get()
                .satisfies(r -> assertThat(r.rejectionReason()).isEqualTo("invalid ticket"));

        // a new login gives a working ticket again
        String renewed = loginTicket();
        assertReported(report(renewed));
        assertThat(simulator.loginCount()).isEqualTo(2);
    }

    @Test
    void fixedTicketCanBeSwitchedOffToForceALogin() throws Exception {
        simulator.setAcceptFixedTicket(false);
        assertTicketRejected(report(FIXED_TICKET), FIXED_TICKET);
        assertReported(report(loginTicket()));
        simulator.setAcceptFixedTicket(true);
        assertReported(report(FIXED_TICKET));
    }

    @Test
    void ticketLifetimeIsSlidingAndConfigurable() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-05T08:00:00Z"));
        simulator.setClock(clock);
        String defaultTicket = loginTicket();
        assertThat(simulator.ticketExpiry(defaultTicket)).hasValue(Instant.parse("2026-01-05T14:00:00Z"));

        simulator.setTicketLifetime(Duration.ofMinutes(10));
        String ticket = loginTicket();
        assertThat(simulator.ticketExpiry(ticket)).hasValue(Instant.parse("2026-01-05T08:10:00Z"));
        clock.advance(Duration.ofMinutes(8));
        assertReported(report(ticket)); // extended to 08:18
        assertThat(simulator.ticketExpiry(ticket)).hasValue(Instant.parse("2026-01-05T08:18:00Z"));
        clock.advance(Duration.ofMinutes(8));
        assertReported(report(ticket)); // 08:16, past the first expiry, still valid; extended to 08:26
        clock.advance(Duration.ofMinutes(10));
        assertTicketRejected(report(ticket), ticket); // 08:26: expired
        assertThat(simulator.ticketExpiry("7T:unknown")).isEmpty();
        assertThat(simulator.loginCount()).isEqualTo(2);
    }

    @Test
    void clearRequestsClearsAuthenticationRequestsToo() throws Exception {
        loginTicket();
        assertThat(simulator.authenticationRequests()).hasSize(1);
        simulator.clearRequests();
        assertThat(simulator.authenticationRequests()).isEmpty();
        assertThat(simulator.loginCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ login outage (the load balancer in front)

    @Test
    void loginOutageAnswersLikeALoadBalancerAndLeavesCustomerServiceAlone() throws Exception {
        String ticket = loginTicket();
        simulator.failLogins(SimulatedFailure.httpStatus(503));

        HttpResponse<String> unavailable = login(loginEnvelope(TOKEN, USER, PASSWORD));
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("content-type")).get().asString().startsWith("text/html");
        assertThat(unavailable.body()).doesNotContain("Envelope");
        assertReported(report(ticket));

        simulator.failLogins(SimulatedFailure.dropConnection());
        assertThatThrownBy(() -> login(loginEnvelope(TOKEN, USER, PASSWORD))).isInstanceOf(java.io.IOException.class);

        simulator.failLogins(SimulatedFailure.failTimes(1, SimulatedFailure.httpStatus(502)));
        assertThat(login(loginEnvelope(TOKEN, USER, PASSWORD)).statusCode()).isEqualTo(502);
        assertThat(element(login(loginEnvelope(TOKEN, USER, PASSWORD)).body(), "AuthenticationSucceeded")).isEqualTo("true");

        simulator.failLogins(SimulatedFailure.httpStatus(503));
        simulator.clearFailures();
        assertThat(element(login(loginEnvelope(TOKEN, USER, PASSWORD)).body(), "AuthenticationSucceeded")).isEqualTo("true");
        assertThat(simulator.loginCount()).isEqualTo(3);
    }

    @Test
    void loginOutageIsAnHttpStatusADroppedConnectionOrADelayOnly() {
        assertThatThrownBy(() -> simulator.failLogins(SimulatedFailure.serverException("SoException", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
