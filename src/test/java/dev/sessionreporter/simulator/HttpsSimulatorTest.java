package dev.sessionreporter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator over HTTPS with a keytool-made self-signed certificate for 127.0.0.1/localhost. */
class HttpsSimulatorTest {

    private static final String APP_TOKEN = "app-token-secret-0123456789";
    private static final String FIXED_TICKET = "7T:Zml4ZWQtdGlja2V0";
    private static final String KEY = "abcdefghijklmnopqrstuvwxyz012345";
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String LOGIN_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePassword\"";
    private static final String REPORT_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"";

    private final TestCertificates.Generated certificate = TestCertificates.localhost();
    private CustomerServiceSimulator simulator;

    @BeforeEach
    void start() {
        simulator = new CustomerServiceSimulator(APP_TOKEN, FIXED_TICKET).startHttps(0, certificate.serverContext());
        simulator.addSession(KEY, 9);
        simulator.addUser("sal0", "secret-password");
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private static HttpClient trusting(TestCertificates.Generated certificate) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .sslContext(certificate.clientContext()).build();
    }

    private static HttpRequest soap(String url, String action, String envelope) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", action)
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8)).build();
    }

    private String reportEnvelope(String ticket) {
        return "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\"><s:Header>"
                + "<ns:ApplicationToken>" + APP_TOKEN + "</ns:ApplicationToken>"
                + "<ns:Credentials><ns:Ticket>" + ticket + "</ns:Ticket></ns:Credentials>"
                + "</s:Header><s:Body><ns:ReportSessionActive><ns:SessionKey>" + KEY
                + "</ns:SessionKey></ns:ReportSessionActive></s:Body></s:Envelope>";
    }

    @Test
    void certificateCoversLoopback() throws Exception {
        List<Object> names = new java.util.ArrayList<>();
        for (List<?> entry : certificate.certificate().getSubjectAlternativeNames()) {
            names.add(entry.get(1));
        }
        assertThat(names).contains("127.0.0.1", "localhost");
        assertThat(Files.exists(certificate.keyStore())).isTrue();
    }

    @Test
    void clientTrustingTheCertificateCanLogInAndReport() throws Exception {
        assertThat(simulator.baseUrl()).startsWith("https://127.0.0.1:");
        assertThat(simulator.customerServiceUrl()).startsWith("https://127.0.0.1:");
        HttpClient client = trusting(certificate);

        String login = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\"><s:Header>"
                + "<ns:ApplicationToken>" + APP_TOKEN + "</ns:ApplicationToken></s:Header><s:Body>"
                + "<ns:AuthenticateUsernamePassword><ns:UserName>sal0</ns:UserName>"
                + "<ns:Password>secret-password</ns:Password></ns:AuthenticateUsernamePassword></s:Body></s:Envelope>";
        HttpResponse<String> loginResponse = client.send(soap(simulator.soPrincipalUrl(), LOGIN_ACTION, login),
                HttpResponse.BodyHandlers.ofString());
        assertThat(loginResponse.statusCode()).isEqualTo(200);
        assertThat(loginResponse.sslSession()).get()
                .satisfies(s -> assertThat(s.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
        String body = loginResponse.body();
        String ticket = body.substring(body.indexOf("<Ticket>") + 8, body.indexOf("</Ticket>"));

        HttpResponse<String> report = client.send(soap(simulator.customerServiceUrl(), REPORT_ACTION,
                reportEnvelope(ticket)), HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("<Response>9</Response>");
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(1);

        HttpResponse<String> jwks = client.send(HttpRequest.newBuilder(URI.create(simulator.jwksUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.body()).contains("\"kty\":\"RSA\"");
    }

    @Test
    void localhostNameIsAcceptedToo() throws Exception {
        HttpResponse<String> report = trusting(certificate).send(soap(simulator.customerServiceUrl()
                        .replace("127.0.0.1", "localhost"), REPORT_ACTION, reportEnvelope(FIXED_TICKET)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(report.body()).contains("<Response>9</Response>");
    }

    @Test
    void clientWithoutTheCertificateFailsTheHandshake() {
        HttpClient defaultTrust = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> defaultTrust.send(soap(simulator.customerServiceUrl(), REPORT_ACTION,
                reportEnvelope(FIXED_TICKET)), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(simulator.requests()).isEmpty();
    }

    @Test
    void oldTlsVersionsAreRefused() {
        SSLParameters tls11 = new SSLParameters();
        tls11.setProtocols(new String[] {"TLSv1.1"});
        HttpClient old = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).sslContext(certificate.clientContext())
                .sslParameters(tls11).build();
        assertThatThrownBy(() -> old.send(soap(simulator.customerServiceUrl(), REPORT_ACTION,
                reportEnvelope(FIXED_TICKET)), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(simulator.requests()).isEmpty();
    }

    @Test
    void plainHttpToTheHttpsPortFailsAndRestartAsHttpWorks() throws Exception {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String httpUrl = simulator.customerServiceUrl().replace("https://", "http://");
        assertThatThrownBy(() -> plain.send(soap(httpUrl, REPORT_ACTION, reportEnvelope(FIXED_TICKET)),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);

        int port = simulator.port();
        simulator.close();
        simulator.start(port);
        assertThat(simulator.customerServiceUrl()).isEqualTo(httpUrl);
        assertThat(plain.send(soap(httpUrl, REPORT_ACTION, reportEnvelope(FIXED_TICKET)),
                HttpResponse.BodyHandlers.ofString()).body()).contains("<Response>9</Response>");
    }

    @Test
    void trustStoreCanBeWrittenForOtherClients(@TempDir Path dir) throws Exception {
        Path file = certificate.writeTrustStore(dir.resolve("trust.p12"));
        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            loaded.load(in, "changeit".toCharArray());
        }
        assertThat(java.util.Collections.list(loaded.aliases())).containsExactly(TestCertificates.ALIAS);
        assertThat(loaded.getCertificate(TestCertificates.ALIAS)).isEqualTo(certificate.certificate());
    }
}
