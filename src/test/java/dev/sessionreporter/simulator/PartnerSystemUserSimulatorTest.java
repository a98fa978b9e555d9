package dev.sessionreporter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SuperOffice Online system-user login: signed system token in, JWT (verifiable against the JWKS) out. */
class PartnerSystemUserSimulatorTest {

    private static final String APP_TOKEN = "app-client-secret-0123456789";
    private static final String FIXED_TICKET = "7T:Zml4ZWQtdGlja2V0";
    private static final String SYSTEM_USER_TOKEN = "SuperOffice AS-system-user-token-abc123";
    private static final String CONTEXT = "Cust12345";
    private static final String KEY = "abcdefghijklmnopqrstuvwxyz012345";
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String REPORT_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    private static KeyPair partner;
    private static KeyPair otherPartner;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private CustomerServiceSimulator simulator;

    @BeforeAll
    static void partnerKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        partner = generator.generateKeyPair();
        otherPartner = generator.generateKeyPair();
    }

    @BeforeEach
    void start() {
        simulator = new CustomerServiceSimulator(APP_TOKEN, FIXED_TICKET).start(0);
        simulator.addSystemUser(SYSTEM_USER_TOKEN, CONTEXT, partner.getPublic());
        simulator.addSession(KEY, 5);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    // ------------------------------------------------------------------ helpers

    static String signedSystemToken(String token, Instant at, PrivateKey key) throws Exception {
        String signedText = token + "." + STAMP.format(at);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(signedText.getBytes(StandardCharsets.UTF_8));
        return signedText + "." + Base64.getEncoder().encodeToString(signer.sign());
    }

    private static String json(String signed, String appToken, String context, String returnType) {
        return "{\"SignedSystemToken\":\"" + signed + "\",\"ApplicationToken\":\"" + appToken
                + "\",\"ContextIdentifier\":\"" + context + "\",\"ReturnTokenType\":\"" + returnType + "\"}";
    }

    private String validJson() throws Exception {
        return json(signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(), partner.getPrivate()), APP_TOKEN, CONTEXT,
                "JWT");
    }

    private HttpResponse<String> authenticate(String body) throws Exception {
        return authenticate(body, "application/json; charset=utf-8");
    }

    private HttpResponse<String> authenticate(String body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(simulator.partnerSystemUserUrl()))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", contentType).header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JWKSet jwks() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(simulator.jwksUrl())).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("application/json");
        return JWKSet.parse(response.body());
    }

    private JWTClaimsSet verifiedClaims(String jwt) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        JWK key = jwks().getKeyByKeyId(parsed.getHeader().getKeyID());
        assertThat(key).as("kid found in the JWKS").isInstanceOf(RSAKey.class);
        assertThat(parsed.verify(new RSASSAVerifier((RSAKey) key))).isTrue();
        return parsed.getJWTClaimsSet();
    }

    private HttpResponse<String> report(String ticket) throws Exception {
        String envelope = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\"><s:Header>"
                + "<ns:ApplicationToken>" + APP_TOKEN + "</ns:ApplicationToken>"
                + "<ns:Credentials><ns:Ticket>" + ticket + "</ns:Ticket></ns:Credentials>"
                + "</s:Header><s:Body><ns:ReportSessionActive><ns:SessionKey>" + KEY
                + "</ns:SessionKey></ns:ReportSessionActive></s:Body></s:Envelope>";
        return client.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl()
                                + "/" + CONTEXT + "/Remote/Services88/CustomerService.svc"))
                        .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", REPORT_ACTION)
                        .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> parse(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        return JSONObjectUtils.parse(response.body());
    }

    private void assertRejected(HttpResponse<String> response, String messagePart) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> json = parse(response);
        assertThat(json).containsEntry("IsSuccessful", false).containsEntry("Token", null);
        assertThat((String) json.get("ErrorMessage")).containsIgnoringCase(messagePart);
        assertThat(response.body()).doesNotContain(SYSTEM_USER_TOKEN).doesNotContain(APP_TOKEN);
        assertThat(simulator.loginCount()).isZero();
    }

    // ------------------------------------------------------------------ success

    @Test
    void validSignedSystemTokenGivesAVerifiableJwtWithAWorkingTicket() throws Exception {
        assertThat(simulator.partnerSystemUserUrl())
                .isEqualTo(simulator.baseUrl() + "/Login/api/PartnerSystemUser/Authenticate");
        assertThat(simulator.jwksUrl()).isEqualTo(simulator.baseUrl() + "/login/.well-known/jwks");
        String signed = signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(), partner.getPrivate());
        Instant before = Instant.now();
        HttpResponse<String> response = authenticate(json(signed, APP_TOKEN, CONTEXT, "JWT"));

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> json = parse(response);
        assertThat(json).containsEntry("IsSuccessful", true).containsEntry("ErrorMessage", null);
        assertThat(response.body()).doesNotContain(SYSTEM_USER_TOKEN).doesNotContain(APP_TOKEN)
                .doesNotContain(signed.substring(signed.lastIndexOf('.') + 1));
        JWTClaimsSet claims = verifiedClaims((String) json.get("Token"));

        String ticket = claims.getStringClaim(CustomerServiceSimulator.TICKET_CLAIM);
        assertThat(ticket).matches("7T:[A-Za-z0-9+/]+=*");
        // as SuperOffice's published system-user token (superoffice-docs api/authentication/online/
        // validate-security-tokens.md): netserver_url names the tenant and some Services version (the sample:
        // .../Cust26759/Remote/Services86/), issuer "SuperOffice AS", audience "spn:" + the serial claim
        assertThat(claims.getStringClaim(CustomerServiceSimulator.NETSERVER_URL_CLAIM))
                .isEqualTo(simulator.baseUrl() + "/Cust12345/Remote/Services86/");
        assertThat(claims.getStringClaim(CustomerServiceSimulator.CONTEXT_CLAIM)).isEqualTo(CONTEXT);
        assertThat(claims.getIssuer()).isEqualTo("SuperOffice AS");
        String serial = claims.getStringClaim(CustomerServiceSimulator.SERIAL_CLAIM);
        assertThat(serial).matches("[0-9]+");
        assertThat(claims.getAudience()).containsExactly("spn:" + serial);
        assertThat(claims.getExpirationTime().toInstant())
                .isBetween(before.plus(Duration.ofHours(6)).minusSeconds(2), Instant.now().plus(Duration.ofHours(6)));
        assertThat(simulator.ticketExpiry(ticket)).isPresent();
        assertThat(simulator.loginCount()).isEqualTo(1);

        // the ticket works on CustomerService; the JWKS holds no private key
        assertThat(report(ticket).body()).contains("<Succeeded xmlns=\"" + NS + "\">true</Succeeded>",
                "<Response>5</Response>");
        assertThat(jwks().getKeys()).singleElement().satisfies(k -> assertThat(k.isPrivate()).isFalse());
        assertThat(simulator.authenticationRequests()).extracting(ReceivedRequest::path)
                .contains("/Login/api/PartnerSystemUser/Authenticate", "/login/.well-known/jwks");
        assertThat(simulator.requests()).hasSize(1);
    }

    @Test
    void eachLoginIssuesANewTicketAndJwksKeyIsStable() throws Exception {
        String first = verifiedClaims((String) parse(authenticate(validJson())).get("Token"))
                .getStringClaim(CustomerServiceSimulator.TICKET_CLAIM);
        String second = verifiedClaims((String) parse(authenticate(validJson())).get("Token"))
                .getStringClaim(CustomerServiceSimulator.TICKET_CLAIM);
        assertThat(second).isNotEqualTo(first);
        assertThat(simulator.loginCount()).isEqualTo(2);
        simulator.expireAllTickets();
        assertThat(report(first).body()).contains("SoCredentialsException");
    }

    @Test
    void timestampWithinTenMinutesIsAcceptedAndLifetimeSetsExp() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:30Z"));
        simulator.setClock(clock);
        simulator.setTicketLifetime(Duration.ofMinutes(20));
        simulator.setNetServerUrl("https://online3.superoffice.example/Cust12345/Remote/Services88/");
        for (Instant at : new Instant[] {Instant.parse("2026-03-01T11:51:00Z"), Instant.parse("2026-03-01T12:09:00Z")}) {
            HttpResponse<String> response = authenticate(json(signedSystemToken(SYSTEM_USER_TOKEN, at,
                    partner.getPrivate()), APP_TOKEN, "cust12345", "Jwt"));
            JWTClaimsSet claims = verifiedClaims((String) parse(response).get("Token"));
            assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2026-03-01T12:20:30Z"));
            assertThat(claims.getIssueTime().toInstant()).isEqualTo(Instant.parse("2026-03-01T12:00:30Z"));
            assertThat(claims.getStringClaim(CustomerServiceSimulator.NETSERVER_URL_CLAIM))
                    .isEqualTo("https://online3.superoffice.example/Cust12345/Remote/Services88/");
        }
        assertThat(simulator.loginCount()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ rejections

    @Test
    void signatureByAnotherKeyIsRejected() throws Exception {
        assertRejected(authenticate(json(signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(),
                otherPartner.getPrivate()), APP_TOKEN, CONTEXT, "JWT")), "signature");
    }

    @Test
    void tamperedOrGarbledSignatureIsRejected() throws Exception {
        String signed = signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(), partner.getPrivate());
        // same signature, another minute
        String[] parts = {signed.substring(0, signed.lastIndexOf('.', signed.lastIndexOf('.') - 1)),
                signed.substring(signed.lastIndexOf('.') + 1)};
        String otherMinute = parts[0] + "." + STAMP.format(Instant.now().minus(Duration.ofMinutes(1))) + "." + parts[1];
        assertRejected(authenticate(json(otherMinute, APP_TOKEN, CONTEXT, "JWT")), "signature");
        assertRejected(authenticate(json(parts[0] + "." + STAMP.format(Instant.now()) + ".not*base64", APP_TOKEN,
                CONTEXT, "JWT")), "signature");
        assertRejected(authenticate(json("no-dots-at-all", APP_TOKEN, CONTEXT, "JWT")), "form");
    }

    @Test
    void staleOrFutureTimestampIsRejected() throws Exception {
        assertRejected(authenticate(json(signedSystemToken(SYSTEM_USER_TOKEN,
                Instant.now().minus(Duration.ofMinutes(12)), partner.getPrivate()), APP_TOKEN, CONTEXT, "JWT")),
                "timestamp");
        assertRejected(authenticate(json(signedSystemToken(SYSTEM_USER_TOKEN,
                Instant.now().plus(Duration.ofMinutes(12)), partner.getPrivate()), APP_TOKEN, CONTEXT, "JWT")),
                "timestamp");
        assertThat(simulator.authenticationRequests())
                .allSatisfy(r -> assertThat(r.rejectionReason()).isEqualTo("stale timestamp"));
    }

    @Test
    void wrongOrMissingApplicationTokenIsRejected() throws Exception {
        String signed = signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(), partner.getPrivate());
        assertRejected(authenticate(json(signed, "wrong-client-secret", CONTEXT, "JWT")), "application token");
        assertRejected(authenticate(json(signed, "", CONTEXT, "JWT")), "ApplicationToken");
    }

    @Test
    void wrongContextOrUnknownSystemUserIsRejected() throws Exception {
        assertRejected(authenticate(json(signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(), partner.getPrivate()),
                APP_TOKEN, "Cust99999", "JWT")), "tenant");
        assertRejected(authenticate(json(signedSystemToken("another-system-user", Instant.now(),
                partner.getPrivate()), APP_TOKEN, CONTEXT, "JWT")), "unknown system user");
        assertRejected(authenticate(json(signedSystemToken(SYSTEM_USER_TOKEN, Instant.now(), partner.getPrivate()),
                APP_TOKEN, CONTEXT, "SAML")), "JWT");
        assertRejected(authenticate("{\"ApplicationToken\":\"" + APP_TOKEN + "\"}"), "SignedSystemToken");
    }

    @Test
    void httpLevelRejections() throws Exception {
        HttpResponse<String> wrongType = authenticate(validJson(), "text/xml; charset=utf-8");
        assertThat(wrongType.statusCode()).isEqualTo(415);
        HttpResponse<String> malformed = authenticate("{not json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(parse(malformed)).containsEntry("IsSuccessful", false);
        assertThat(authenticate("[1,2]").statusCode()).isEqualTo(400);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(simulator.partnerSystemUserUrl()))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> postJwks = client.send(HttpRequest.newBuilder(URI.create(simulator.jwksUrl()))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(postJwks.statusCode()).isEqualTo(405);
        assertThat(simulator.loginCount()).isZero();
    }
    @Test
    void loginOutageAnswersAuthenticateAndTheJwksLikeALoadBalancer() throws Exception {
        simulator.failLogins(SimulatedFailure.httpStatus(503));

        HttpResponse<String> unavailable = authenticate(validJson());
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("content-type")).get().asString().startsWith("text/html");
        assertThat(client.send(HttpRequest.newBuilder(URI.create(simulator.jwksUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
        assertThat(simulator.loginCount()).isZero();

        simulator.clearFailures();
        assertThat(parse(authenticate(validJson()))).containsEntry("IsSuccessful", true);
    }
}
