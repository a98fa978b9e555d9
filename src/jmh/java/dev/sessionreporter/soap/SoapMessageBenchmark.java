package dev.sessionreporter.soap;

import dev.sessionreporter.MicroBenchmark;
import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.secret.SecretRedactor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.cxf.binding.soap.SoapHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Per-message SOAP work of our own: building the request payload (DOM body and SOAP headers that CXF writes) and
 * checking an answer that CXF has parsed into a payload. Run with {@code mvn -B -Pjmh verify} (README "Benchmark").
 */
public class SoapMessageBenchmark extends MicroBenchmark {
    private static final String NS = CustomerServiceContract.NAMESPACE;
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String KEY = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6";
    /** The answer of a real server to a successful report, as the benchmark's stub sends it. */
    private static final String ANSWER = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
            + "<ExceptionInfo xmlns=\"" + NS + "\" xmlns:i=\"" + XSI + "\" i:nil=\"true\"/>"
            + "<ExtraInfo xmlns=\"" + NS + "\" xmlns:i=\"" + XSI + "\" i:nil=\"true\"/>"
            + "<Succeeded xmlns=\"" + NS + "\">true</Succeeded>"
            + "<TimeZone xmlns=\"" + NS + "\" xmlns:i=\"" + XSI + "\" i:nil=\"true\"/>"
            + "</s:Header><s:Body><ReportSessionActiveResponse xmlns=\"" + NS + "\"><Response>1001</Response>"
            + "</ReportSessionActiveResponse></s:Body></s:Envelope>";

    private DefaultCamelContext context;
    private ReportSessionActiveRequest request;
    private ReportSessionActiveAnswer answer;
    private CxfPayload<SoapHeader> answerPayload;
    private Exchange exchange;

    @Setup
    public void setUp() throws Exception {
        request = new ReportSessionActiveRequest("app-token-0123456789", TicketCache.fixed("7T:ticket-0123456789"), null);
        answer = new ReportSessionActiveAnswer(new SecretRedactor("app-token-0123456789", "7T:ticket-0123456789"),
                CredentialRejection.fromSettings("types", "SoCredentialsException", "pattern", ""));
        answerPayload = parse(ANSWER);
        context = new DefaultCamelContext();
        context.start();
        exchange = new DefaultExchange(context);
    }

    @TearDown
    public void tearDown() {
        context.stop();
    }

    /** The request payload for one key: body element plus ApplicationToken and Credentials/Ticket headers. */
    @Benchmark
    public CxfPayload<SoapHeader> buildRequestPayload() {
        return request.payload(KEY);
    }

    /** The bean step of the route: key from the exchange property, ticket, payload into the body. */
    @Benchmark
    public Object buildRequestOnExchange() {
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, KEY);
        request.build(exchange);
        return exchange.getIn().getBody();
    }

    /** Succeeded, ExceptionInfo and Response of a parsed answer: the login id. */
    @Benchmark
    public int checkAnswerPayload() {
        return answer.loginIdFrom(answerPayload, KEY);
    }

    /** The Kamelet's answer step: the check of the answer in the exchange. */
    @Benchmark
    public int checkAnswerOnExchange() {
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, KEY);
        exchange.getIn().setBody(answerPayload);
        return answer.loginIdOf(exchange);
    }

    /** The answer envelope as camel-cxf hands it over in PAYLOAD mode: SOAP header elements and body elements. */
    private static CxfPayload<SoapHeader> parse(String envelope) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultNSInstance();
        Document document = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(envelope.getBytes(StandardCharsets.UTF_8)));
        List<SoapHeader> headers = new ArrayList<>();
        List<Element> body = new ArrayList<>();
        for (Node part = document.getDocumentElement().getFirstChild(); part != null; part = part.getNextSibling()) {
            for (Node child = part.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element) {
                    if ("Header".equals(part.getLocalName())) {
                        headers.add(new SoapHeader(new QName(element.getNamespaceURI(), element.getLocalName()), element));
                    } else {
                        body.add(element);
                    }
                }
            }
        }
        return new CxfPayload<>(headers, body);
    }
}
