package dev.sessionreporter.kamelet;

import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.auth.Login;
import dev.sessionreporter.auth.PasswordLogin;
import dev.sessionreporter.auth.StaticTicketLogin;
import dev.sessionreporter.auth.SystemUserLogin;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.soap.CustomerServiceBus;
import dev.sessionreporter.soap.ReportSessionActiveAnswer;
import dev.sessionreporter.soap.ReportSessionActiveRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
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
    private String url;
    private String applicationToken;
    private String ticket;
    private String username;
    private String password;
    private String soPrincipalUrl;
    private String systemUserToken;
    private String privateKeyFile;
    private String contextIdentifier;
    private String systemUserUrl;
    private String jwksUrl;
    private long connectTimeout = 5000;
    private long receiveTimeout = 10000;
    private TicketCache tickets;
    /** Whether the credentials can log in again for a new ticket (modes password and system-user). */
    private boolean renewable;
    private ReportSessionActiveRequest request;
    private ReportSessionActiveAnswer answer;
    private SecretRedactor redactor;

    public void setUrl(String url) {
        this.url = url;
    }

    public void setApplicationToken(String applicationToken) {
        this.applicationToken = applicationToken;
    }

    /** Credential mode ticket. */
    public void setTicket(String ticket) {
        this.ticket = ticket;
    }

    /** Credential mode password, with {@link #setPassword}. */
    public void setUsername(String username) {
        this.username = username;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** By default SoPrincipal.svc next to the CustomerService url. */
    public void setSoPrincipalUrl(String soPrincipalUrl) {
        this.soPrincipalUrl = soPrincipalUrl;
    }

    /** Credential mode system-user (SuperOffice Online), with the private key file and the context identifier. */
    public void setSystemUserToken(String systemUserToken) {
        this.systemUserToken = systemUserToken;
    }

    /** The partner's RSA private key, PKCS#8 (or PKCS#1) PEM. */
    public void setPrivateKeyFile(String privateKeyFile) {
        this.privateKeyFile = privateKeyFile;
    }

    /** The tenant, e.g. Cust12345. */
    public void setContextIdentifier(String contextIdentifier) {
        this.contextIdentifier = contextIdentifier;
    }

    /** By default the PartnerSystemUser service of the url's Online environment. */
    public void setSystemUserUrl(String systemUserUrl) {
        this.systemUserUrl = systemUserUrl;
    }

    /** By default the JWKS of the url's Online environment. */
    public void setJwksUrl(String jwksUrl) {
        this.jwksUrl = jwksUrl;
    }

    /** Also the login's, in milliseconds. */
    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public void setReceiveTimeout(long receiveTimeout) {
        this.receiveTimeout = receiveTimeout;
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
        steps(exchange.getContext()).request.build(exchange);
    }

    /** Checks the answer; on success the host's message is back, with {@value #LOGIN_ID}. */
    public void answer(Exchange exchange) {
        steps(exchange.getContext()).answer.check(exchange);
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
        String ticketUsed = exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class);
        String detail = steps(exchange.getContext()).redactor.redact(failure.detail(), sessionKey, ticketUsed);
        restoreHostMessage(exchange);
        if (caught instanceof CredentialsRejectedException && ticketUsed != null && renewable) {
            // the next call logs in again (one login however many calls saw this ticket rejected): worth trying again
            tickets.rejected(ticketUsed, detail);
            throw new SessionActiveFailedException(FailureReason.SERVER_REJECTED,
                    "credentials rejected, a new ticket is taken on the next call: " + detail, true);
        }
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
    private synchronized SessionActiveAction steps(CamelContext camelContext) {
        if (request == null) {
            redactor = new SecretRedactor(applicationToken, ticket, password, systemUserToken);
            // the standalone reporter's defaults (superoffice.auth.credential-rejection-types)
            answer = new ReportSessionActiveAnswer(redactor,
                    new CredentialRejection(Set.of("SoCredentialsException", "SoTicketException"), null));
            // the standalone reporter's defaults: renewed before 50 minutes, a failed login tried again after 30 s
            Login login = login(camelContext);
            renewable = login.canRenew();
            tickets = new TicketCache(login, Duration.ofMinutes(50), Duration.ofSeconds(30),
                    Clock.systemUTC());
            request = new ReportSessionActiveRequest(applicationToken, tickets, null);
        }
        return this;
    }

    private Login login(CamelContext camelContext) {
        boolean byTicket = given(ticket);
        boolean byPassword = given(username) || given(password);
        boolean bySystemUser = given(systemUserToken) || given(privateKeyFile) || given(contextIdentifier);
        if ((byTicket ? 1 : 0) + (byPassword ? 1 : 0) + (bySystemUser ? 1 : 0) != 1) {
            throw new IllegalStateException("The Kamelet needs the credentials of one mode: ticket; username and "
                    + "password; or systemUserToken, privateKeyFile and contextIdentifier");
        }
        if (byTicket) {
            return new StaticTicketLogin(ticket);
        }
        if (byPassword) {
            require("username", username);
            require("password", password);
            String login = given(soPrincipalUrl) ? soPrincipalUrl.strip() : PasswordLogin.urlFor(url.strip());
            // the login's own bus, shut down with the host's CamelContext; the host's default bus stays untouched
            return new PasswordLogin(CustomerServiceBus.startedWith(camelContext).bus(), login, applicationToken,
                    username.strip(), password, null, connectTimeout, receiveTimeout, Clock.systemUTC());
        }
        require("systemUserToken", systemUserToken);
        require("privateKeyFile", privateKeyFile);
        require("contextIdentifier", contextIdentifier);
        // the environment's login host (sod/qaonline/online), as the standalone reporter
        String origin = SystemUserLogin.loginOrigin(url);
        return new SystemUserLogin(
                URI.create(given(systemUserUrl) ? systemUserUrl.strip() : origin + "/Login/api/PartnerSystemUser/Authenticate"),
                applicationToken, contextIdentifier.strip(), systemUserToken.strip(),
                SystemUserLogin.readPrivateKey(Path.of(privateKeyFile.strip())),
                URI.create(given(jwksUrl) ? jwksUrl.strip() : origin + "/login/.well-known/jwks"), null, null,
                Duration.ofMillis(receiveTimeout), Clock.systemUTC());
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }

    private static void require(String property, String value) {
        if (!given(value)) {
            throw new IllegalStateException("The Kamelet property " + property + " is required in this credential mode");
        }
    }
}
