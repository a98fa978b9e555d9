package dev.sessionreporter.kamelet;

import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.soap.CustomerServiceBus;
import dev.sessionreporter.soap.CustomerServiceEndpoint;
import dev.sessionreporter.soap.ReportSessionActiveAnswer;
import dev.sessionreporter.soap.ReportSessionActiveRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * What the Kamelet {@code superoffice-session-active-action} calls SuperOffice with, made once and shared by all its
 * calls: the CustomerService endpoint's settings on a CXF bus of its own, the one ticket (with its login and
 * renewal), the request, the answer check and the redactor of the secrets. The Kamelet makes one from its properties;
 * the standalone reporter makes one from its settings and passes it (Kamelet property {@code client}), so that its
 * credentials health check and login at start share the ticket with its reports.
 */
public final class SessionActiveClient {
    /** The CustomerService endpoint: address, timeouts, the largest answer read, TLS and the optional wire log. */
    public record EndpointSettings(String url, long connectTimeoutMillis, long receiveTimeoutMillis, long maxAnswerBytes,
            SSLContextParameters tls, boolean wireLogging) {
    }

    private final CustomerServiceBus bus;
    private final EndpointSettings endpoint;
    private final TicketCache tickets;
    private final SecretRedactor redactor;
    private final ReportSessionActiveRequest request;
    private final ReportSessionActiveAnswer answer;

    /**
     * @param timeZoneId the SoTimeZoneId sent in the TimeZone header, or null for none
     * @param redactor every configured secret (token, ticket, passwords): never in a failure's text or the wire log
     */
    public SessionActiveClient(CustomerServiceBus bus, EndpointSettings endpoint, TicketCache tickets,
            String applicationToken, Integer timeZoneId, CredentialRejection credentialRejection, SecretRedactor redactor) {
        this.bus = bus;
        this.endpoint = endpoint;
        this.tickets = tickets;
        this.redactor = redactor;
        this.request = new ReportSessionActiveRequest(applicationToken, tickets, timeZoneId);
        this.answer = new ReportSessionActiveAnswer(redactor, credentialRejection);
    }

    /** Makes {@code cxfEndpoint} this client's CustomerService endpoint, on its bus. */
    void configure(CxfEndpoint cxfEndpoint, CamelContext camelContext) {
        CustomerServiceEndpoint.configure(cxfEndpoint, camelContext, bus, endpoint.url(),
                endpoint.connectTimeoutMillis(), endpoint.receiveTimeoutMillis(), endpoint.maxAnswerBytes(),
                endpoint.tls(), endpoint.wireLogging(), redactor);
    }

    public CustomerServiceBus bus() {
        return bus;
    }

    TicketCache tickets() {
        return tickets;
    }

    SecretRedactor redactor() {
        return redactor;
    }

    ReportSessionActiveRequest request() {
        return request;
    }

    ReportSessionActiveAnswer answer() {
        return answer;
    }
}
