package dev.sessionreporter.kamelet;

import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.soap.ReportSessionActiveAnswer;
import dev.sessionreporter.soap.ReportSessionActiveRequest;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The steps of the Kamelet {@code superoffice-session-active-action} around its SOAP call, one instance per Kamelet
 * instance (a template bean): read the session key, build the request, check the answer, and turn any failure into a
 * {@link SessionActiveFailedException}. The host's message comes out as it went in (body and headers), plus the login
 * id; nothing of the host's headers travels to SuperOffice.
 */
public class SessionActiveAction {
    /** Header set on success: the id of the login row the server reported active. */
    public static final String LOGIN_ID = "SuperOfficeLoginId";

    private static final String HOST_BODY = SessionActiveAction.class.getName() + ".body";
    private static final String HOST_HEADERS = SessionActiveAction.class.getName() + ".headers";

    private final SessionKeyInput input = new SessionKeyInput();
    private final FailureClassifier classifier = new FailureClassifier();
    private String applicationToken;
    private String ticket;
    private ReportSessionActiveRequest request;
    private ReportSessionActiveAnswer answer;
    private SecretRedactor redactor;

    public void setApplicationToken(String applicationToken) {
        this.applicationToken = applicationToken;
    }

    public void setTicket(String ticket) {
        this.ticket = ticket;
    }

    /** Validates the key, keeps the host's message aside and replaces the body with the SOAP request. */
    public void request(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.setProperty(HOST_BODY, message.getBody());
        exchange.setProperty(HOST_HEADERS, new HashMap<>(message.getHeaders()));
        String sessionKey = input.sessionKeyOf(message.getBody());
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, sessionKey);
        // the host's headers stay in the host: camel-cxf would send them as HTTP headers
        message.removeHeaders("*");
        steps().request.build(exchange);
    }

    /** Checks the answer; on success the host's message is back, with {@value #LOGIN_ID}. */
    public void answer(Exchange exchange) {
        steps().answer.check(exchange);
        Object loginId = exchange.getMessage().getHeader(ReporterHeaders.LOGIN_ID);
        restoreHostMessage(exchange);
        exchange.getMessage().setHeader(LOGIN_ID, loginId);
    }

    /**
     * The failure the Kamelet caught, classified and redacted, thrown for the host's error handling; the host's message
     * is back as it went in, so that a dead-letter channel gets the original.
     */
    public void failed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        FailureClassifier.Classification failure = classifier.classify(caught == null ? new IllegalStateException() : caught);
        String sessionKey = exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class);
        String detail = steps().redactor.redact(failure.detail(), sessionKey,
                exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class));
        restoreHostMessage(exchange);
        throw new SessionActiveFailedException(failure.reason(), detail, failure.transientFailure());
    }

    private static void restoreHostMessage(Exchange exchange) {
        Message message = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = exchange.getProperty(HOST_HEADERS, Map.class);
        if (headers != null) {
            message.removeHeaders("*");
            message.getHeaders().putAll(headers);
            message.setBody(exchange.getProperty(HOST_BODY));
        }
        // the key and the ticket stay out of the host's exchange, where its log or tracer may show them
        exchange.removeProperty(ReporterHeaders.SESSION_KEY_PROPERTY);
        exchange.removeProperty(ReporterHeaders.TICKET_USED_PROPERTY);
        exchange.removeProperty(HOST_HEADERS);
        exchange.removeProperty(HOST_BODY);
    }

    /** Built on first use, once the template has set the properties. */
    private synchronized SessionActiveAction steps() {
        if (request == null) {
            if (applicationToken == null || applicationToken.isBlank() || ticket == null || ticket.isBlank()) {
                throw new IllegalStateException("The Kamelet properties applicationToken and ticket are required");
            }
            redactor = new SecretRedactor(applicationToken, ticket);
            answer = new ReportSessionActiveAnswer(redactor, null);
            request = new ReportSessionActiveRequest(applicationToken, TicketCache.fixed(ticket), null);
        }
        return this;
    }
}
