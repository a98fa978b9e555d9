package dev.sessionreporter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator over raw HTTP ({@code java.net.http} and hand-written bytes on a socket), never through the client's
 * code. Each rule names its public source: the WSDL and URL shapes of superoffice-docs
 * ({@code docs/en/api/reference/soap/Services88/Services88-CustomerService.md}), and for transport errors WCF's server
 * code as CoreWCF publishes it ({@code src/CoreWCF.Http/src/CoreWCF/Channels/HttpRequestContext.cs},
 * {@code src/CoreWCF.Primitives/src/CoreWCF/Channels/Message.cs}, {@code .../Dispatcher/OperationFormatter.cs},
 * {@code .../Dispatcher/DataContractSerializerOperationFormatter.cs}).
 */
class CustomerServiceSimulatorTest {

    private static final String TOKEN = "app-token-secret-0123456789";
    private static final String TICKET = "7T:dGlja2V0LXNlY3JldA==";
    private static final String KEY = "abcdefghijklmnopqrstuvwxyz012345";
    private static final String UNKNOWN_KEY = "ZZZZefghijklmnopqrstuvwxyz012345";
    private static final int LOGIN_ID = 1234;
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"";
    private static final String TEXT_XML = "text/xml; charset=utf-8";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private CustomerServiceSimulator simulator;

    @BeforeEach
    void startSimulator() {
        simulator = new CustomerServiceSimulator(TOKEN, TICKET).start(0);
        simulator.addSession(KEY, LOGIN_ID);
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    // ------------------------------------------------------------------ envelopes

    private static String headers(String token, String ticket) {
        StringBuilder sb = new StringBuilder();
        if (token != null) {
            sb.append("<ns:ApplicationToken>").append(token).append("</ns:ApplicationToken>");
        }
        if (ticket != null) {
            sb.append("<ns:Credentials><ns:Ticket>").append(ticket).append("</ns:Ticket></ns:Credentials>");
        }
        return sb.toString();
    }

    private static String envelope(String token, String ticket, String key) {
        return envelopeWithHeaderXml(headers(token, ticket), key);
    }

    private static String envelopeWithHeaderXml(String headerXml, String key) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\">\n"
                + "  <s:Header>" + headerXml + "</s:Header>\n"
                + "  <s:Body>\n"
                + "    <ns:ReportSessionActive><ns:SessionKey>" + key + "</ns:SessionKey></ns:ReportSessionActive>\n"
                + "  </s:Body>\n"
                + "</s:Envelope>";
    }

    private static String validEnvelope(String key) {
        return envelope(TOKEN, TICKET, key);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(simulator.customerServiceUrl(), body, TEXT_XML, ACTION);
    }

    private HttpResponse<String> post(String body, String contentType, String soapAction) throws Exception {
        return post(simulator.customerServiceUrl(), body, contentType, soapAction);
    }

    private HttpResponse<String> post(String url, String body, String contentType, String soapAction)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (soapAction != null) {
            builder.header("SOAPAction", soapAction);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String element(String xml, String localName) {
        Matcher m = Pattern.compile("<(?:\\w+:)?" + localName + "(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?" + localName + ">")
                .matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    private static void assertSoapAnswer(HttpResponse<String> response, boolean succeeded, int value) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml; charset=utf-8");
        assertThat(element(response.body(), "Succeeded")).isEqualTo(Boolean.toString(succeeded));
        assertThat(element(response.body(), "Response")).isEqualTo(Integer.toString(value));
        assertThat(response.body())
                .startsWith("<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Header>")
                .contains("<ReportSessionActiveResponse xmlns=\"" + NS + "\">");
    }

    private static void assertFault(HttpResponse<String> response, String faultCode) {
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml; charset=utf-8");
        assertThat(response.body()).contains("<s:Fault>");
        assertThat(element(response.body(), "faultcode")).isEqualTo(faultCode);
    }

    // ------------------------------------------------------------------ the good path

    @Test
    void knownKeyAnswersLoginIdAndSucceeded() throws Exception {
        HttpResponse<String> response = post(validEnvelope(KEY));

        assertSoapAnswer(response, true, LOGIN_ID);
        assertThat(response.body()).contains(
                "<ExceptionInfo xmlns=\"" + NS + "\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\""
                        + " i:nil=\"true\"/>",
                "<Succeeded xmlns=\"" + NS + "\">true</Succeeded>",
                "<Response>1234</Response>");
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(1);
    }

    @Test
    void unknownKeyAnswersZeroWithoutFault() throws Exception {
        HttpResponse<String> response = post(validEnvelope(UNKNOWN_KEY));

        assertSoapAnswer(response, true, 0);
        assertThat(simulator.acceptedReportCount(UNKNOWN_KEY)).isZero();
        assertThat(simulator.requestsFor(UNKNOWN_KEY)).singleElement()
                .satisfies(r -> assertThat(r.rejectionReason()).isNull());
    }

    @Test
    void removedSessionAnswersZero() throws Exception {
        simulator.removeSession(KEY);
        assertSoapAnswer(post(validEnvelope(KEY)), true, 0);
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void servesTheSiteOrTenantPathOfTheDocsUrlShapes() throws Exception {
        // superoffice-docs: on-site http(s)://<host>/<site>/Remote/Services88/CustomerService.svc, Online
        // https://<env>.superoffice.com/<ContextId>/Remote/Services88/CustomerService.svc; IIS paths are case-insensitive
        String base = simulator.baseUrl();
        assertSoapAnswer(post(base + "/Cust12345/Remote/Services88/CustomerService.svc", validEnvelope(KEY), TEXT_XML,
                ACTION), true, LOGIN_ID);
        assertSoapAnswer(post(base + "/SuperOffice/remote/services88/customerservice.svc", validEnvelope(KEY),
                TEXT_XML, ACTION), true, LOGIN_ID);
        assertSoapAnswer(post(base + "/Remote/Services88/CustomerService.svc", validEnvelope(KEY), TEXT_XML, ACTION),
                true, LOGIN_ID);
        assertThat(simulator.customerServiceUrl())
                .isEqualTo("http://127.0.0.1:" + simulator.port() + "/Cust00000/Remote/Services88/CustomerService.svc");

        HttpResponse<String> wrongPath = post(base + "/Cust12345/Remote/Services88/ContactAgent.svc",
                validEnvelope(KEY), TEXT_XML, ACTION);
        assertThat(wrongPath.statusCode()).isEqualTo(404);
        // SoPrincipal.svc exists (see SoPrincipalSimulatorTest) but does not serve ReportSessionActive
        assertFault(post(base + "/Cust12345/Remote/Services88/SoPrincipal.svc", validEnvelope(KEY), TEXT_XML, ACTION),
                "a:ActionNotSupported");
    }

    @Test
    void doubledServicesPathAndOtherPathsAre404() throws Exception {
        // superoffice-docs validate-security-tokens.md: netserver_url ends in /Remote/Services86/; a client that
        // appends Remote/Services88/ to it posts to a path no IIS application serves: 404, no SOAP
        String base = simulator.baseUrl();
        for (String path : List.of("/Cust26759/Remote/Services86/Remote/Services88/CustomerService.svc",
                "/Cust12345/extra/Remote/Services88/CustomerService.svc",
                "/Cust12345/Remote/Services88/CustomerService.svc/ReportSessionActive",
                "/Cust12345/Remote/Services86/CustomerService.svc",
                "//Remote/Services88/CustomerService.svc")) {
            HttpResponse<String> response = post(base + path, validEnvelope(KEY), TEXT_XML, ACTION);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("Envelope");
        }
        assertThat(simulator.requests()).hasSize(5).allSatisfy(r -> {
            assertThat(r.responseStatus()).isEqualTo(404);
            assertThat(r.rejectionReason()).startsWith("unknown path");
        });
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void acceptsTimeZoneHeaderAndRecordsIt() throws Exception {
        String headerXml = headers(TOKEN, TICKET)
                + "<ns:TimeZone><ns:SoTimeZoneId>42</ns:SoTimeZoneId>"
                + "<ns:SoTimeZoneLocationCode>NO</ns:SoTimeZoneLocationCode></ns:TimeZone>";
        assertSoapAnswer(post(envelopeWithHeaderXml(headerXml, KEY)), true, LOGIN_ID);
        assertThat(simulator.lastRequest()).get().extracting(ReceivedRequest::timeZoneId).isEqualTo(42);
    }

    @Test
    void acceptsDefaultNamespaceAndOtherPrefixes() throws Exception {
        String body = "<soapenv:Envelope xmlns:soapenv=\"" + SOAP11 + "\"><soapenv:Header>"
                + "<ApplicationToken xmlns=\"" + NS + "\">" + TOKEN + "</ApplicationToken>"
                + "<Credentials xmlns=\"" + NS + "\"><Ticket>" + TICKET + "</Ticket></Credentials>"
                + "</soapenv:Header><soapenv:Body><ReportSessionActive xmlns=\"" + NS + "\"><SessionKey>" + KEY
                + "</SessionKey></ReportSessionActive></soapenv:Body></soapenv:Envelope>";
        assertSoapAnswer(post(body), true, LOGIN_ID);
    }

    @Test
    void ignoresUnknownHeaderWithoutMustUnderstandButFaultsWithIt() throws Exception {
        String optional = headers(TOKEN, TICKET) + "<x:Trace xmlns:x=\"urn:example\">1</x:Trace>";
        assertSoapAnswer(post(envelopeWithHeaderXml(optional, KEY)), true, LOGIN_ID);

        String mandatory = headers(TOKEN, TICKET)
                + "<wsa:Action xmlns:wsa=\"http://www.w3.org/2005/08/addressing\" s:mustUnderstand=\"1\">x</wsa:Action>";
        assertFault(post(envelopeWithHeaderXml(mandatory, KEY)), "s:MustUnderstand");
    }

    // ------------------------------------------------------------------ HTTP / SOAP strictness

    @Test
    void soap12ContentTypeIs415WithoutBody() throws Exception {
        // CoreWCF HttpRequestContext.SendResponseAndCloseAsync: the status (with its explanation in the status
        // line) and SuppressEntityBody
        HttpResponse<String> response = post(validEnvelope(KEY),
                "application/soap+xml; charset=utf-8; action=" + ACTION, null);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).isEmpty();
        assertThat(simulator.lastRequest()).get().satisfies(r -> {
            assertThat(r.responseStatus()).isEqualTo(415);
            assertThat(r.rejectionReason()).contains("content type");
        });
    }

    @Test
    void missingOrOtherContentTypeIs415() throws Exception {
        assertThat(post(validEnvelope(KEY), null, ACTION).statusCode()).isEqualTo(415);
        assertThat(post(validEnvelope(KEY), "text/plain", ACTION).statusCode()).isEqualTo(415);
        assertThat(post(validEnvelope(KEY), "text/xml; charset=iso-8859-1", ACTION).statusCode()).isEqualTo(415);
        assertSoapAnswer(post(validEnvelope(KEY), "text/xml", ACTION), true, LOGIN_ID);
        assertSoapAnswer(post(validEnvelope(KEY), "text/xml;charset=\"UTF-8\"", ACTION), true, LOGIN_ID);
    }

    @Test
    void utf16RequestIsAccepted() throws Exception {
        // CoreWCF TextMessageEncoder reads utf-8 and utf-16 (little-endian, .NET's Unicode) and utf-16BE
        String body = validEnvelope(KEY).replace("encoding=\"utf-8\"", "encoding=\"utf-16\"");
        byte[] littleEndian = ("\uFEFF" + body).getBytes(StandardCharsets.UTF_16LE);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(simulator.customerServiceUrl()))
                .header("Content-Type", "text/xml; charset=utf-16").header("SOAPAction", ACTION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(littleEndian)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertSoapAnswer(response, true, LOGIN_ID);
        assertThat(simulator.lastRequest()).get().extracting(ReceivedRequest::body).isEqualTo(body);

        HttpResponse<String> bigEndian = client.send(HttpRequest.newBuilder(URI.create(simulator.customerServiceUrl()))
                .header("Content-Type", "text/xml; charset=utf-16BE").header("SOAPAction", ACTION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_16BE))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertSoapAnswer(bigEndian, true, LOGIN_ID);

        // bytes that are not valid in the declared charset are malformed XML
        HttpResponse<String> invalid = client.send(HttpRequest.newBuilder(URI.create(simulator.customerServiceUrl()))
                .header("Content-Type", TEXT_XML).header("SOAPAction", ACTION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(littleEndian)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(400);
    }

    @Test
    void onlyPostIsAllowed() throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(simulator.customerServiceUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void unquotedSoapActionIsAccepted() throws Exception {
        // WCF HttpInput.ProcessHttpAddressing (System.ServiceModel, HttpChannelHelpers.cs): the SOAPAction's quotes
        // are stripped only when present
        assertSoapAnswer(post(validEnvelope(KEY), TEXT_XML, ACTION.replace("\"", "")), true, LOGIN_ID);
        assertThat(simulator.lastRequest()).get().satisfies(r -> assertThat(r.accepted()).isTrue());
    }

    @Test
    void wrongOrMissingSoapActionIsActionNotSupportedFault() throws Exception {
        // CoreWCF: no operation for the action -> HTTP 500, SOAP 1.1 fault a:ActionNotSupported (addressing none)
        HttpResponse<String> wrong = post(validEnvelope(KEY), TEXT_XML,
                "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/SessionIsValid\"");
        assertFault(wrong, "a:ActionNotSupported");
        assertThat(wrong.body()).contains("CustomerService/SessionIsValid").contains("ContractFilter mismatch");

        assertFault(post(validEnvelope(KEY), TEXT_XML, null), "a:ActionNotSupported");
        assertFault(post(validEnvelope(KEY), TEXT_XML, "\"\""), "a:ActionNotSupported");
        assertFault(post(validEnvelope(KEY), TEXT_XML,
                ACTION.replace("Services88", "Services87")), "a:ActionNotSupported");
        assertThat(wrong.body()).contains("xmlns:a=\"http://schemas.microsoft.com/ws/2005/05/addressing/none\"");

        assertThat(simulator.requests()).hasSize(4).allSatisfy(r -> {
            assertThat(r.responseStatus()).isEqualTo(500);
            assertThat(r.rejectionReason()).contains("SOAPAction");
        });
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void soap12EnvelopeSentAsTextXmlIs400WithoutBody() throws Exception {
        // CoreWCF: the Soap11 text encoder cannot read a SOAP 1.2 envelope -> ProtocolException -> 400, empty body
        HttpResponse<String> response = post(validEnvelope(KEY).replace(SOAP11, SOAP12));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEmpty();
        assertThat(simulator.lastRequest()).get().satisfies(r -> {
            assertThat(r.soapEnvelopeNamespace()).isEqualTo(SOAP12);
            assertThat(r.rejectionReason()).contains("version");
        });
    }

    @Test
    void vendorDocsSampleWithHeadersDirectlyUnderEnvelopeIs400WithoutBody() throws Exception {
        // the shape of the SuperOffice reference-page sample (superoffice-docs ReportSessionActive.md), but with the
        // SOAP 1.1 namespace. CoreWCF Message.cs: after the optional Header the reader expects Body; anything else
        // fails reading the message -> 400 with no body
        String body = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:NetServerServices88=\"" + NS + "\">"
                + "<NetServerServices88:ApplicationToken>" + TOKEN + "</NetServerServices88:ApplicationToken>"
                + "<NetServerServices88:Credentials><NetServerServices88:Ticket>" + TICKET
                + "</NetServerServices88:Ticket></NetServerServices88:Credentials>"
                + "<NetServerServices88:TimeZone><NetServerServices88:SoTimeZoneId>0</NetServerServices88:SoTimeZoneId>"
                + "<NetServerServices88:SoTimeZoneLocationCode></NetServerServices88:SoTimeZoneLocationCode>"
                + "</NetServerServices88:TimeZone>"
                + "<s:Body><NetServerServices88:ReportSessionActive><NetServerServices88:SessionKey>" + KEY
                + "</NetServerServices88:SessionKey></NetServerServices88:ReportSessionActive></s:Body></s:Envelope>";
        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEmpty();
        assertThat(simulator.lastRequest()).get().satisfies(r -> {
            assertThat(r.rejectionReason()).contains("ApplicationToken").contains("outside s:Header");
            assertThat(r.headersInsideSoapHeader()).isFalse();
            assertThat(r.applicationToken()).isEqualTo(TOKEN);
            assertThat(r.ticket()).isEqualTo(TICKET);
            assertThat(r.sessionKey()).isEqualTo(KEY);
            assertThat(r.responseStatus()).isEqualTo(400);
        });
        assertThat(simulator.acceptedReportCount(KEY)).isZero();

        // the literal vendor sample (SOAP 1.2 namespace too): 400 as well
        HttpResponse<String> literal = post(body.replace(SOAP11, SOAP12));
        assertThat(literal.statusCode()).isEqualTo(400);
        assertThat(literal.body()).isEmpty();
    }

    @Test
    void wrongBodyNamespaceOrElementIsFault() throws Exception {
        assertFault(post(validEnvelope(KEY).replace("xmlns:ns=\"" + NS + "\"",
                "xmlns:ns=\"http://www.superoffice.net/ws/crm/NetServer/Services87\"")), "a:DeserializationFailed");

        String noNamespaceBody = "<s:Envelope xmlns:s=\"" + SOAP11 + "\" xmlns:ns=\"" + NS + "\"><s:Header>"
                + headers(TOKEN, TICKET) + "</s:Header><s:Body><ReportSessionActive><SessionKey>" + KEY
                + "</SessionKey></ReportSessionActive></s:Body></s:Envelope>";
        assertFault(post(noNamespaceBody), "a:DeserializationFailed");


        String wrongOperation = validEnvelope(KEY).replace("ReportSessionActive", "SessionIsValid");
        HttpResponse<String> response = post(wrongOperation);
        assertFault(response, "a:DeserializationFailed");
        assertThat(response.body()).contains("ReportSessionActive");

        assertFault(post(validEnvelope(KEY).replace("<s:Body>", "<s:Body><ns:Other/>")), "a:DeserializationFailed");
        // Message.ReadFromBodyContentsToEnd expects </Body> after the operation: an XmlException, DeserializationFailed
        assertFault(post(validEnvelope(KEY).replace("</s:Body>", "<ns:Other/></s:Body>")), "a:DeserializationFailed");
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void unknownOrRepeatedElementsInsideTheOperationAreSkipped() throws Exception {
        // CoreWCF DataContractSerializerOperationFormatter.DeserializeParameters: an element that is not the next
        // expected parameter is skipped (TraceAndSkipElement), the parameter stays null
        String extra = validEnvelope(KEY).replace("<ns:SessionKey>",
                "<ns:RemoteIp>127.0.0.1</ns:RemoteIp><x:Trace xmlns:x=\"urn:example\">1</x:Trace><ns:SessionKey>");
        assertSoapAnswer(post(extra), true, LOGIN_ID);

        String repeated = validEnvelope(KEY).replace("</ns:ReportSessionActive>",
                "<ns:SessionKey>" + UNKNOWN_KEY + "</ns:SessionKey></ns:ReportSessionActive>");
        assertSoapAnswer(post(repeated), true, LOGIN_ID);

        // SessionKey outside the service namespace is not the parameter: the key is absent, Response=0
        String wrongChildNamespace = validEnvelope(KEY).replace("<ns:SessionKey>" + KEY + "</ns:SessionKey>",
                "<SessionKey>" + KEY + "</SessionKey>");
        assertSoapAnswer(post(wrongChildNamespace), true, 0);
        assertThat(simulator.lastRequest()).get().extracting(ReceivedRequest::sessionKey).isNull();
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(2);
    }

    @Test
    void malformedEnvelopeStructureIs400OrFault() throws Exception {
        // CoreWCF Message.cs: no Body while the message is read -> 400, no body; what follows the Body is read by
        // the operation formatter (ReadFromBodyContentsToEnd) -> fault a:DeserializationFailed
        String noBody = "<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Header/></s:Envelope>";
        HttpResponse<String> missingBody = post(noBody);
        assertThat(missingBody.statusCode()).isEqualTo(400);
        assertThat(missingBody.body()).isEmpty();
        String headerAfterBody = validEnvelope(KEY).replace("<s:Header>" + headers(TOKEN, TICKET) + "</s:Header>", "")
                .replace("</s:Envelope>", "<s:Header/></s:Envelope>");
        assertFault(post(headerAfterBody), "a:DeserializationFailed");
        String duplicateToken = envelopeWithHeaderXml(headers(TOKEN, TICKET) + headers(TOKEN, null), KEY);
        assertFault(post(duplicateToken), "a:DeserializationFailed");
        String badTimeZone = envelopeWithHeaderXml(headers(TOKEN, TICKET)
                + "<ns:TimeZone><ns:SoTimeZoneId>abc</ns:SoTimeZoneId></ns:TimeZone>", KEY);
        assertFault(post(badTimeZone), "a:DeserializationFailed");
    }

    @Test
    void malformedXmlIs400WithoutBody() throws Exception {
        // WCF HttpInput.DecodeBufferedMessage: an XmlException while the encoder reads the message ->
        // ProtocolException (MessageXmlProtocolError) -> 400, empty body
        for (String body : List.of("<s:Envelope xmlns:s=\"" + SOAP11 + "\"><s:Body>", "not xml at all", "", "<root/>",
                validEnvelope(KEY).replace("<s:Body>", "<?pi data?><s:Body>"))) {
            HttpResponse<String> response = post(body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body()).as(body).isEmpty();
        }
        assertThat(simulator.requests()).hasSize(5).allSatisfy(r -> {
            assertThat(r.responseStatus()).isEqualTo(400);
            assertThat(r.rejectionReason()).isNotNull();
        });
    }

    @Test
    void doctypeIs400AndExternalEntitiesAreNeverFetched() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        HttpServer bait = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bait.createContext("/", exchange -> {
            fetches.incrementAndGet();
            byte[] dtd = "<!ENTITY x \"pwned\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        bait.start();
        try {
            String baitUrl = "http://127.0.0.1:" + bait.getAddress().getPort() + "/evil";
            String external = "<?xml version=\"1.0\"?>\n<!DOCTYPE s:Envelope SYSTEM \"" + baitUrl + ".dtd\">\n"
                    + validEnvelope(KEY).substring(validEnvelope(KEY).indexOf("<s:Envelope"));
            String entity = "<?xml version=\"1.0\"?>\n<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"" + baitUrl
                    + "\">]>\n" + validEnvelope("&xxe;").substring(validEnvelope(KEY).indexOf("<s:Envelope"));
            String internal = "<!DOCTYPE s:Envelope [<!ENTITY k \"" + KEY + "\">]>"
                    + validEnvelope("&k;").substring(validEnvelope(KEY).indexOf("<s:Envelope"));

            for (String body : List.of(external, entity, internal)) {
                HttpResponse<String> response = post(body);
                assertThat(response.statusCode()).isEqualTo(400);
                assertThat(response.body()).doesNotContain("pwned");
            }
            assertThat(fetches).hasValue(0);
            assertThat(simulator.requests()).hasSize(3)
                    .allSatisfy(r -> assertThat(r.rejectionReason()).containsIgnoringCase("DTD"));
            assertThat(simulator.acceptedReportCount(KEY)).isZero();
        } finally {
            bait.stop(0);
        }
    }

    // ------------------------------------------------------------------ token and ticket

    @Test
    void missingTicketIsSucceededFalseWithCredentialsException() throws Exception {
        HttpResponse<String> response = post(envelope(TOKEN, null, KEY));

        assertSoapAnswer(response, false, 0);
        assertThat(element(response.body(), "ExceptionType")).isEqualTo("SoCredentialsException");
        // the text is undocumented; it must not be written to match words a client might key on (ExceptionType decides)
        assertThat(element(response.body(), "Message")).isNotBlank()
                .doesNotContainPattern("(?i)ticket|credential|authenticat|session expired");
        assertThat(response.body()).doesNotContain(TICKET).doesNotContain(TOKEN).doesNotContain(KEY);
        assertThat(simulator.lastRequest()).get().satisfies(r -> {
            assertThat(r.ticket()).isNull();
            assertThat(r.rejectionReason()).isNotNull();
            assertThat(r.accepted()).isFalse();
        });
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void emptyCredentialsOrNilTicketIsRejected() throws Exception {
        HttpResponse<String> empty = post(envelopeWithHeaderXml(headers(TOKEN, null) + "<ns:Credentials/>", KEY));
        assertSoapAnswer(empty, false, 0);
        HttpResponse<String> nil = post(envelopeWithHeaderXml(headers(TOKEN, null)
                + "<ns:Credentials><ns:Ticket xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" i:nil=\"true\"/>"
                + "</ns:Credentials>", KEY));
        assertSoapAnswer(nil, false, 0);
        assertThat(element(nil.body(), "ExceptionType")).isEqualTo("SoCredentialsException");
    }

    @Test
    void wrongTicketIsSucceededFalseAndNotEchoed() throws Exception {
        String wrongTicket = "7T:d3JvbmctdGlja2V0LXZhbHVl";
        HttpResponse<String> response = post(envelope(TOKEN, wrongTicket, KEY));

        assertSoapAnswer(response, false, 0);
        assertThat(element(response.body(), "ExceptionType")).isEqualTo("SoCredentialsException");
        assertThat(element(response.body(), "Message")).isEqualTo("The identity could not be verified. Log in again.");
        assertThat(response.body()).contains("<StackTrace i:nil=\"true\"/>", "<FriendlyText>", "<Source>",
                "<InnerException i:nil=\"true\"/>", "<Parameters i:nil=\"true\"/>",
                "<Succeeded xmlns=\"" + NS + "\">false</Succeeded>");
        assertThat(response.body()).doesNotContain(wrongTicket).doesNotContain(TICKET).doesNotContain(TOKEN);
        assertThat(simulator.lastRequest()).get().extracting(ReceivedRequest::ticket).isEqualTo(wrongTicket);
    }

    @Test
    void missingOrWrongApplicationTokenIsSucceededFalseAndCheckedBeforeTicket() throws Exception {
        HttpResponse<String> missing = post(envelope(null, "7T:also-wrong", KEY));
        assertSoapAnswer(missing, false, 0);
        assertThat(element(missing.body(), "ExceptionType")).isEqualTo("SoApplicationTokenException");
        assertThat(missing.body()).doesNotContain(TOKEN).doesNotContain(TICKET);

        String wrongToken = "wrong-token-value-9876";
        HttpResponse<String> wrong = post(envelope(wrongToken, TICKET, KEY));
        assertSoapAnswer(wrong, false, 0);
        assertThat(element(wrong.body(), "ExceptionType")).isEqualTo("SoApplicationTokenException");
        assertThat(element(wrong.body(), "Message")).containsIgnoringCase("application token");
        assertThat(wrong.body()).doesNotContain(wrongToken).doesNotContain(TOKEN).doesNotContain(TICKET);
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void nullApplicationTokenMeansNotChecked() throws Exception {
        try (CustomerServiceSimulator onSite = new CustomerServiceSimulator(null, TICKET).start(0)) {
            onSite.addSession(KEY, 7);
            HttpResponse<String> response = post(onSite.customerServiceUrl(), envelope(null, TICKET, KEY), TEXT_XML,
                    ACTION);
            assertSoapAnswer(response, true, 7);
        }
    }

    @Test
    void ticketCanBeRotated() throws Exception {
        simulator.setTicket("7T:bmV3LXRpY2tldA==");
        assertSoapAnswer(post(validEnvelope(KEY)), false, 0);
        assertSoapAnswer(post(envelope(TOKEN, "7T:bmV3LXRpY2tldA==", KEY)), true, LOGIN_ID);
    }

    // ------------------------------------------------------------------ failure injection

    @Test
    void soapFaultFailure() throws Exception {
        simulator.failFor(KEY, SimulatedFailure.soapFault("Database <offline> & busy"));

        HttpResponse<String> response = post(validEnvelope(KEY));
        assertFault(response, "s:Server");
        assertThat(response.body()).contains("Database &lt;offline&gt; &amp; busy");
        // other keys are not affected
        assertSoapAnswer(post(validEnvelope(UNKNOWN_KEY)), true, 0);
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void httpStatusFailure() throws Exception {
        for (int status : new int[] {502, 503, 504, 404}) {
            simulator.failAll(SimulatedFailure.httpStatus(status));
            HttpResponse<String> response = post(validEnvelope(KEY));
            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("text/html");
            assertThat(response.body()).doesNotContain("Envelope").contains(Integer.toString(status));
        }
        assertThat(simulator.requests()).extracting(ReceivedRequest::responseStatus)
                .containsExactly(502, 503, 504, 404);
        simulator.clearFailures();
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
    }

    @Test
    void serverExceptionFailure() throws Exception {
        simulator.failFor(KEY, SimulatedFailure.serverException("SoDatabaseException", "Deadlock victim"));

        HttpResponse<String> response = post(validEnvelope(KEY));
        assertSoapAnswer(response, false, 0);
        assertThat(element(response.body(), "ExceptionType")).isEqualTo("SoDatabaseException");
        assertThat(element(response.body(), "Message")).isEqualTo("Deadlock victim");
        assertThat(simulator.lastRequest()).get().satisfies(r -> assertThat(r.rejectionReason()).isNotNull());
    }

    @Test
    void delayFailureAnswersNormallyAndDoesNotBlockOthers() throws Exception {
        simulator.failFor(KEY, SimulatedFailure.delay(Duration.ofMillis(1500)));
        simulator.addSession(UNKNOWN_KEY, 99);

        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> delayed = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            delayed.add(client.sendAsync(request(validEnvelope(KEY)), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(200);
        long fastStart = System.nanoTime();
        assertSoapAnswer(post(validEnvelope(UNKNOWN_KEY)), true, 99);
        assertThat(Duration.ofNanos(System.nanoTime() - fastStart)).isLessThan(Duration.ofMillis(1000));

        for (CompletableFuture<HttpResponse<String>> future : delayed) {
            assertSoapAnswer(future.get(), true, LOGIN_ID);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(6));
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(80);
    }

    @Test
    void delayLongerThanClientTimeoutTimesOut() {
        simulator.failAll(SimulatedFailure.delay(Duration.ofSeconds(5)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.customerServiceUrl()))
                .timeout(Duration.ofMillis(300))
                .header("Content-Type", TEXT_XML).header("SOAPAction", ACTION)
                .POST(HttpRequest.BodyPublishers.ofString(validEnvelope(KEY))).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    @Test
    void failTimesFailsFirstNThenAnswersNormally() throws Exception {
        SimulatedFailure failure = SimulatedFailure.failTimes(2, SimulatedFailure.httpStatus(503));
        simulator.failFor(KEY, failure);

        assertThat(post(validEnvelope(KEY)).statusCode()).isEqualTo(503);
        assertSoapAnswer(post(validEnvelope(UNKNOWN_KEY)), true, 0); // other keys do not consume the budget
        assertThat(post(validEnvelope(KEY)).statusCode()).isEqualTo(503);
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
        assertThat(((SimulatedFailure.FailTimes) failure).remaining()).isZero();
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(2);
    }

    @Test
    void failTimesDoesNotCountRejectedRequests() throws Exception {
        simulator.failAll(SimulatedFailure.failTimes(1, SimulatedFailure.soapFault("boom")));
        assertThat(post("garbage").statusCode()).isEqualTo(400);
        assertFault(post(validEnvelope(KEY)), "s:Server");
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
    }

    @Test
    void globalFailureWinsOverPerKeyAndClearFailuresClearsBoth() throws Exception {
        simulator.failFor(KEY, SimulatedFailure.httpStatus(502));
        simulator.failAll(SimulatedFailure.httpStatus(504));
        assertThat(post(validEnvelope(KEY)).statusCode()).isEqualTo(504);
        simulator.clearFailures();
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
    }

    @Test
    void dropConnectionFailure() {
        simulator.failFor(KEY, SimulatedFailure.dropConnection());
        assertThatThrownBy(() -> post(validEnvelope(KEY))).isInstanceOf(IOException.class);
        assertThat(simulator.lastRequest()).get().satisfies(r -> {
            assertThat(r.responseStatus()).isZero();
            assertThat(r.rejectionReason()).contains("dropped");
        });
    }

    @Test
    void failureFactoriesValidate() {
        assertThatThrownBy(() -> SimulatedFailure.httpStatus(99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatedFailure.delay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatedFailure.failTimes(-1, SimulatedFailure.httpStatus(503)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ recording, HTTP/1.1, lifecycle

    @Test
    void recordsReceivedRequestFields() throws Exception {
        String body = validEnvelope(KEY);
        post(body);

        assertThat(simulator.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/Cust00000/Remote/Services88/CustomerService.svc");
            assertThat(r.httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(r.httpHeaders()).containsKeys("content-type", "soapaction", "host");
            assertThat(r.httpHeaders().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
            assertThat(r.httpHeader("Content-Type")).isEqualTo(TEXT_XML);
            assertThat(r.body()).isEqualTo(body);
            assertThat(r.soapEnvelopeNamespace()).isEqualTo(SOAP11);
            assertThat(r.soapAction()).isEqualTo(ACTION);
            assertThat(r.applicationToken()).isEqualTo(TOKEN);
            assertThat(r.ticket()).isEqualTo(TICKET);
            assertThat(r.timeZoneId()).isNull();
            assertThat(r.sessionKey()).isEqualTo(KEY);
            assertThat(r.headersInsideSoapHeader()).isTrue();
            assertThat(r.responseStatus()).isEqualTo(200);
            assertThat(r.rejectionReason()).isNull();
            assertThat(r.accepted()).isTrue();
            assertThat(r.toString()).doesNotContain(TOKEN).doesNotContain(TICKET).doesNotContain(KEY);
        });
        assertThat(simulator.requestsFor(KEY)).hasSize(1);
        assertThat(simulator.requestsFor(UNKNOWN_KEY)).isEmpty();
        simulator.clearRequests();
        assertThat(simulator.requests()).isEmpty();
        assertThat(simulator.acceptedReportCount(KEY)).isZero();
    }

    @Test
    void keepsHttp11ConnectionsAlive() throws Exception {
        byte[] body = validEnvelope(KEY).getBytes(StandardCharsets.UTF_8);
        String head = "POST /Cust12345/Remote/Services88/CustomerService.svc HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + simulator.port() + "\r\n"
                + "Content-Type: text/xml; charset=utf-8\r\n"
                + "SOAPAction: " + ACTION + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), simulator.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String response = readHttpResponse(in);
                assertThat(response).startsWith("HTTP/1.1 200").contains("<Response>1234</Response>");
            }
        }
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(3);
    }

    private static String readHttpResponse(InputStream in) throws IOException {
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the simulator");
            }
            headerBytes.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        String headerText = headerBytes.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(headerText);
        assertThat(length.find()).as("fixed Content-Length").isTrue();
        assertThat(headerText).doesNotContainIgnoringCase("connection: close");
        byte[] content = in.readNBytes(Integer.parseInt(length.group(1)));
        return headerText + new String(content, StandardCharsets.UTF_8);
    }

    @Test
    void handlesManyConcurrentRequests() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(client.sendAsync(request(validEnvelope(i % 2 == 0 ? KEY : UNKNOWN_KEY)),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertSoapAnswer(futures.get(i).get(), true, i % 2 == 0 ? LOGIN_ID : 0);
        }
        assertThat(simulator.requests()).hasSize(200);
        assertThat(simulator.acceptedReportCount(KEY)).isEqualTo(100);
    }

    @Test
    void closeStopsPromptlyAndCanRestartOnTheSamePort() throws Exception {
        int port = simulator.port();
        assertThat(simulator.isRunning()).isTrue();
        long start = System.nanoTime();
        simulator.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(simulator.isRunning()).isFalse();
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> fresh.send(request(validEnvelope(KEY)), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        simulator.close(); // idempotent

        simulator.start(port);
        assertThat(simulator.port()).isEqualTo(port);
        assertSoapAnswer(fresh.send(request(validEnvelope(KEY)), HttpResponse.BodyHandlers.ofString()), true,
                LOGIN_ID);
        simulator.stop();
        assertThat(simulator.isRunning()).isFalse();
    }

    @Test
    void closeWhileDelayedRequestsArePendingIsPrompt() throws Exception {
        simulator.failAll(SimulatedFailure.delay(Duration.ofSeconds(30)));
        CompletableFuture<HttpResponse<String>> pending =
                client.sendAsync(request(validEnvelope(KEY)), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        long start = System.nanoTime();
        simulator.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(pending).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void bodyOverOneMebibyteIs413AndClosesTheConnection() throws Exception {
        String padded = validEnvelope(KEY).replace("<s:Body>", "<!--" + "x".repeat(CustomerServiceSimulator.MAX_BODY_BYTES)
                + "--><s:Body>");
        HttpResponse<String> response = post(padded);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("connection")).hasValue("close");
        assertThat(simulator.lastRequest()).get().satisfies(r -> assertThat(r.rejectionReason()).contains("larger"));
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
    }

    @Test
    void leavesTheJvmsSystemPropertiesAlone() throws Exception {
        // a library leaves its host alone: the simulator once set sun.net.httpserver.nodelay for the whole JVM
        assertSoapAnswer(post(validEnvelope(KEY)), true, LOGIN_ID);
        assertThat(System.getProperty("sun.net.httpserver.nodelay")).isNull();
    }

    @Test
    void answerIsOneFixedLengthMessageWithIisHeaders() throws Exception {
        byte[] body = validEnvelope(KEY).getBytes(StandardCharsets.UTF_8);
        String head = "POST /Cust12345/Remote/Services88/CustomerService.svc HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + simulator.port() + "\r\n"
                + "Content-Type: text/xml; charset=utf-8\r\n"
                + "SOAPAction: " + ACTION + "\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), simulator.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            // a chunked request body, as HttpURLConnection sends large ones
            out.write((Integer.toHexString(10) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.write(("\r\n" + Integer.toHexString(body.length - 10) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 10, body.length - 10);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readHttpResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("Server: Microsoft-IIS/10.0\r\n")
                    .contains("Content-Type: text/xml; charset=utf-8\r\n").contains("<Response>1234</Response>");
        }
    }

    @Test
    void bindsLoopbackOnly() {
        assertThat(simulator.customerServiceUrl()).startsWith("http://127.0.0.1:");
        assertThatThrownBy(() -> new CustomerServiceSimulator(TOKEN, TICKET).start(simulator.port()))
                .isInstanceOf(IllegalStateException.class);
    }

    private HttpRequest request(String body) {
        return HttpRequest.newBuilder(URI.create(simulator.customerServiceUrl()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", TEXT_XML)
                .header("SOAPAction", ACTION)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }
}
