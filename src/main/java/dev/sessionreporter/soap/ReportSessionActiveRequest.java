package dev.sessionreporter.soap;

import dev.sessionreporter.auth.Ticket;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.failure.ReporterHeaders;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.cxf.binding.soap.SoapHeader;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Turns a validated session key into the PAYLOAD-mode body of the cxf endpoint: the {@code ReportSessionActive}
 * element plus the {@code ApplicationToken}, {@code Credentials/Ticket} and, when configured, {@code TimeZone} SOAP
 * headers. CXF writes the envelope, so every value is escaped by the XML writer, never by string concatenation.
 */
public class ReportSessionActiveRequest {
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(ReportSessionActiveRequest::newBuilder);

    private final String applicationToken;
    private final TicketCache tickets;
    private final Integer timeZoneId;

    public ReportSessionActiveRequest(String applicationToken, TicketCache tickets, Integer timeZoneId) {
        this.applicationToken = applicationToken;
        this.tickets = tickets;
        this.timeZoneId = timeZoneId;
    }

    /**
     * Replaces the body with the SOAP payload for the key in {@link ReporterHeaders#SESSION_KEY_PROPERTY}, with the
     * application's current ticket (remembered in {@link ReporterHeaders#TICKET_USED_PROPERTY} for a renewal). An
     * Online login may name the tenant's current host: the call then goes there.
     */
    public void build(Exchange exchange) {
        String sessionKey = exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class);
        Ticket ticket = tickets.current();
        exchange.setProperty(ReporterHeaders.TICKET_USED_PROPERTY, ticket.value());
        if (ticket.netServerUrl() != null) {
            exchange.getIn().setHeader(Exchange.DESTINATION_OVERRIDE_URL, customerServiceUrl(ticket.netServerUrl()));
        }
        exchange.getIn().setBody(payload(sessionKey, ticket.value()));
    }

    /** {@code https://online3.superoffice.com/Cust12345/} (with or without Remote/Services88/) to the service URL. */
    static String customerServiceUrl(String netServerUrl) {
        String base = netServerUrl.endsWith("/") ? netServerUrl : netServerUrl + "/";
        if (!base.endsWith("Remote/Services88/")) {
            base = base + "Remote/Services88/";
        }
        return base + "CustomerService.svc";
    }

    CxfPayload<SoapHeader> payload(String sessionKey) {
        return payload(sessionKey, tickets.current().value());
    }

    private CxfPayload<SoapHeader> payload(String sessionKey, String ticket) {
        Document document = BUILDERS.get().newDocument();
        List<SoapHeader> headers = new ArrayList<>(3);
        headers.add(new SoapHeader(CustomerServiceContract.APPLICATION_TOKEN,
                textElement(document, "ApplicationToken", applicationToken)));
        Element credentialsElement = element(document, "Credentials");
        credentialsElement.appendChild(textElement(document, "Ticket", ticket));
        headers.add(new SoapHeader(CustomerServiceContract.CREDENTIALS, credentialsElement));
        if (timeZoneId != null) {
            Element timeZone = element(document, "TimeZone");
            timeZone.appendChild(textElement(document, "SoTimeZoneId", timeZoneId.toString()));
            headers.add(new SoapHeader(CustomerServiceContract.TIME_ZONE, timeZone));
        }
        Element body = element(document, CustomerServiceContract.OPERATION);
        body.appendChild(textElement(document, "SessionKey", sessionKey));
        return new CxfPayload<>(headers, List.of(body));
    }

    private static Element element(Document document, String localName) {
        return document.createElementNS(CustomerServiceContract.NAMESPACE, localName);
    }

    private static Element textElement(Document document, String localName, String text) {
        Element element = element(document, localName);
        element.setTextContent(text);
        return element;
    }

    private static DocumentBuilder newBuilder() {
        try {
            // not newDefaultNSInstance(): Karaf's java.xml API (lib/endorsed) predates it
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("No namespace-aware DOM implementation available", e);
        }
    }
}
