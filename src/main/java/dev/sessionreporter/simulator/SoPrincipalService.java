package dev.sessionreporter.simulator;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SoPrincipal {@code AuthenticateUsernamePassword}, once the SOAP checks passed: ApplicationToken, then user name
 * (case-insensitive) and password; a success issues a new ticket. Never logs a password or a ticket.
 */
final class SoPrincipalService {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerServiceSimulator.class);

    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final AcceptedCredentials credentials;
    private final TicketRegistry tickets;

    SoPrincipalService(AcceptedCredentials credentials, TicketRegistry tickets) {
        this.credentials = credentials;
        this.tickets = tickets;
    }

    void addUser(String user, String password) {
        // NetServer user names are case-insensitive; passwords are not
        users.put(Objects.requireNonNull(user, "user").toLowerCase(Locale.ROOT),
                Objects.requireNonNull(password, "password"));
    }

    /** Answers {@code exchange}; {@code operation} is its {@code AuthenticateUsernamePassword} element. */
    void answer(Exchange exchange, SimXml.Node operation) {
        AcceptedCredentials.Rejection tokenRejection = credentials.applicationTokenRejection(exchange.applicationToken);
        if (tokenRejection != null) {
            exchange.reject(loginAnswer(false, tokenRejection.exceptionInfo(), null, null, null),
                    tokenRejection.reason());
            return;
        }
        String user = null;
        String password = null;
        for (SimXml.Node parameter : OperationFormatter.acceptedParameters(operation,
                SoapOperation.AUTHENTICATE_USERNAME_PASSWORD).values()) {
            if (parameter.isNil()) {
                continue;
            }
            if (parameter.localName.equals("UserName")) {
                user = parameter.text();
            } else if (parameter.localName.equals("Password")) {
                password = parameter.text();
            }
        }
        String expected = user == null ? null : users.get(user.toLowerCase(Locale.ROOT));
        if (expected == null || password == null || !AcceptedCredentials.secretEquals(expected, password)) {
            // as NetServer: no exception, AuthenticationSucceeded=false, no ticket
            exchange.reject(loginAnswer(true, null, null, null, null), "wrong user name or password");
            return;
        }
        String issued = tickets.issue();
        exchange.succeeded = true;
        exchange.answer = loginAnswer(true, null, user, issued, contextIdentifier(exchange.path));
        LOG.debug("SoPrincipal login #{} succeeded", tickets.issuedCount());
    }

    /** The first path segment before {@code /Remote/...} (e.g. {@code Cust12345}), or "" when there is none. */
    private static String contextIdentifier(String path) {
        int remote = path.toLowerCase(Locale.ROOT).indexOf("/remote/");
        if (remote <= 1) {
            return "";
        }
        String prefix = path.substring(1, remote);
        int slash = prefix.lastIndexOf('/');
        return slash >= 0 ? prefix.substring(slash + 1) : prefix;
    }

    /**
     * The reply to AuthenticateUsernamePassword. Success: {@code AuthenticateResponse { Response (a few
     * SoPrincipalCarrier members, in WSDL order), Credentials { Ticket }, AuthenticationSucceeded=true }}; otherwise
     * {@code Response} and {@code Credentials} nil and {@code AuthenticationSucceeded=false}.
     */
    private static Answer loginAnswer(boolean succeeded, String exceptionInfo, String user, String issuedTicket,
            String context) {
        StringBuilder body = new StringBuilder("<AuthenticateResponse xmlns=\"")
                .append(Services88.NS).append("\" xmlns:i=\"").append(SimXml.XSI_NS)
                .append("\">");
        if (issuedTicket == null) {
            body.append("<Response i:nil=\"true\"/><Credentials i:nil=\"true\"/>")
                    .append("<AuthenticationSucceeded>false</AuthenticationSucceeded>");
        } else {
            int associateId = 100 + Math.floorMod(user.toLowerCase(Locale.ROOT).hashCode(), 900);
            body.append("<Response>")
                    .append("<UserType>InternalAssociate</UserType>")
                    .append("<Associate>").append(SimXml.escapeText(user.toUpperCase(Locale.ROOT))).append("</Associate>")
                    .append("<AssociateId>").append(associateId).append("</AssociateId>")
                    .append("<IsPerson>true</IsPerson>")
                    .append("<PersonId>").append(associateId + 1000).append("</PersonId>")
                    .append("<ContactId>2</ContactId>")
                    .append("<GroupId>1</GroupId>")
                    .append("<RoleName>User</RoleName>")
                    .append("<RoleType>Employee</RoleType>")
                    .append("<FullName>").append(SimXml.escapeText(user)).append("</FullName>")
                    .append("<DatabaseContextIdentifier>").append(SimXml.escapeText(context))
                    .append("</DatabaseContextIdentifier>")
                    .append("</Response>")
                    .append("<Credentials><Ticket>").append(SimXml.escapeText(issuedTicket)).append("</Ticket></Credentials>")
                    .append("<AuthenticationSucceeded>true</AuthenticationSucceeded>");
        }
        body.append("</AuthenticateResponse>");
        return Answer.of(200, Answer.TEXT_XML_UTF8, WcfAnswers.envelope(succeeded, exceptionInfo, body.toString()));
    }
}
