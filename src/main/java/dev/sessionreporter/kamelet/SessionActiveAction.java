package dev.sessionreporter.kamelet;

import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.auth.Login;
import dev.sessionreporter.auth.PasswordLogin;
import dev.sessionreporter.auth.StaticTicketLogin;
import dev.sessionreporter.auth.SystemUserLogin;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.input.SessionKeyInput;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.soap.CustomerServiceBus;
import dev.sessionreporter.soap.PlainHttp;
import dev.sessionreporter.soap.TlsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The steps of the Kamelet {@code superoffice-session-active-action} around its SOAP call, one instance per Kamelet
 * instance (a template bean): read the session key, build the request, check the answer, and turn any failure into a
 * {@link SessionActiveFailedException}. The host's message comes out as it went in (body and headers), plus the login
 * id; nothing of the host's headers travels to SuperOffice.
 * <p>
 * It calls with the {@link SessionActiveClient} it is given (property {@code client}), or else with one it makes from
 * its other properties when the Kamelet's endpoint starts, so that missing credentials stop the route's start.
 */
public class SessionActiveAction {
    /** Header set on success: the id of the login row the server reported active. */
    public static final String LOGIN_ID = "SuperOfficeLoginId";
    /** The standalone reporter's shipped superoffice.auth.credential-rejection-types. */
    static final String CREDENTIAL_REJECTION_TYPES = "SoCredentialsException,SoTicketException";

    private static final String HOST_MESSAGE = SessionActiveAction.class.getName() + ".hostMessage";

    private final SessionKeyInput input = new SessionKeyInput();
    private final FailureClassifier classifier = new FailureClassifier();
    private SessionActiveClient client;
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
    private long maxAnswerSize = 65536;
    private String trustStore;
    private String trustStorePassword;
    private String trustStoreType = "PKCS12";
    private String keyStore;
    private String keyStorePassword;
    private String keyStoreType = "PKCS12";
    private boolean wireLogging;
    private String timeZoneId;
    private String credentialRejectionTypes = CREDENTIAL_REJECTION_TYPES;
    private String credentialRejectionPattern;
    private long maxTicketAge = Duration.ofMinutes(50).toMillis();
    private long loginRetryAfter = Duration.ofSeconds(30).toMillis();
    private boolean allowInsecureHttp;
    /** The client, once made (or the given one checked). */
    private volatile SessionActiveClient ready;

    /** The host's message while the Kamelet's request and answer are in the exchange, and the host's own values of the properties the Kamelet uses. */
    private record HostMessage(Object body, Map<String, Object> headers, Object sessionKey, Object ticketUsed) {
    }

    /** A client made elsewhere (the standalone reporter's); then no other property may be given. */
    public void setClient(SessionActiveClient client) {
        this.client = client;
    }

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
        this.connectTimeout = positive("connectTimeout", connectTimeout);
    }

    public void setReceiveTimeout(long receiveTimeout) {
        this.receiveTimeout = positive("receiveTimeout", receiveTimeout);
    }

    /** Largest answer read, in bytes; a larger one is an INVALID_ANSWER. */
    public void setMaxAnswerSize(long maxAnswerSize) {
        this.maxAnswerSize = positive("maxAnswerSize", maxAnswerSize);
    }

    public void setTrustStore(String trustStore) {
        this.trustStore = trustStore;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    public void setTrustStoreType(String trustStoreType) {
        this.trustStoreType = trustStoreType;
    }

    public void setKeyStore(String keyStore) {
        this.keyStore = keyStore;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public void setKeyStoreType(String keyStoreType) {
        this.keyStoreType = keyStoreType;
    }

    public void setWireLogging(boolean wireLogging) {
        this.wireLogging = wireLogging;
    }

    /** Text: an optional Kamelet property arrives blank when not given. */
    public void setTimeZoneId(String timeZoneId) {
        this.timeZoneId = timeZoneId;
    }

    public void setCredentialRejectionTypes(String credentialRejectionTypes) {
        this.credentialRejectionTypes = credentialRejectionTypes;
    }

    public void setCredentialRejectionPattern(String credentialRejectionPattern) {
        this.credentialRejectionPattern = credentialRejectionPattern;
    }

    /** Milliseconds. */
    public void setMaxTicketAge(long maxTicketAge) {
        this.maxTicketAge = positive("maxTicketAge", maxTicketAge);
    }

    /** Milliseconds. */
    public void setLoginRetryAfter(long loginRetryAfter) {
        this.loginRetryAfter = positive("loginRetryAfter", loginRetryAfter);
    }

    /** Plain http:// to another machine, which carries the secrets readable on the network: refused unless true. */
    public void setAllowInsecureHttp(boolean allowInsecureHttp) {
        this.allowInsecureHttp = allowInsecureHttp;
    }

    /** Validates the key, keeps the host's message aside and replaces the body with the SOAP request. */
    public void request(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.setProperty(HOST_MESSAGE, new HostMessage(message.getBody(), new HashMap<>(message.getHeaders()),
                exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY),
                exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY)));
        String sessionKey = input.sessionKeyOf(message.getBody());
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, sessionKey);
        // the host's headers stay in the host: camel-cxf would send them as HTTP headers
        message.removeHeaders("*");
        client(exchange.getContext()).request().build(exchange);
    }

    /** Checks the answer; on success the host's message is back, with {@value #LOGIN_ID}. */
    public void answer(Exchange exchange) {
        int loginId = client(exchange.getContext()).answer().loginIdOf(exchange);
        restoreHostMessage(exchange);
        exchange.getMessage().setHeader(LOGIN_ID, loginId);
    }

    /**
     * The failure the Kamelet caught, classified and redacted, thrown for the host's error handling (with the original as
     * its cause when it is one of the library's own, see {@link SessionActiveFailedException}); the host's message is
     * back as it went in, so that a dead-letter channel gets the original.
     */
    public void failed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught == null) {
            caught = new IllegalStateException("no failure recorded");
        }
        FailureClassifier.Classification failure = classifier.classify(caught);
        String sessionKey = exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class);
        String ticketUsed = exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class);
        SessionActiveClient calls = client(exchange.getContext());
        String detail = calls.redactor().redact(failure.detail(), sessionKey, ticketUsed);
        ReportFailedException own = Causes.find(caught, ReportFailedException.class);
        restoreHostMessage(exchange);
        if (own instanceof CredentialsRejectedException && ticketUsed != null && calls.tickets().canRenew()) {
            // the next call logs in again (one login however many calls saw this ticket rejected): worth trying again
            calls.tickets().rejected(ticketUsed, detail);
            throw new SessionActiveFailedException(FailureReason.SERVER_REJECTED,
                    "credentials rejected, a new ticket is taken on the next call: " + detail, true, own);
        }
        throw new SessionActiveFailedException(failure.reason(), detail, failure.transientFailure(), own);
    }

    private static void restoreHostMessage(Exchange exchange) {
        HostMessage host = exchange.getProperty(HOST_MESSAGE, HostMessage.class);
        if (host == null) {
            return;
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.getHeaders().putAll(host.headers());
        message.setBody(host.body());
        // the key and the ticket stay out of the host's exchange, where its log or tracer may show them
        restoreProperty(exchange, ReporterHeaders.SESSION_KEY_PROPERTY, host.sessionKey());
        restoreProperty(exchange, ReporterHeaders.TICKET_USED_PROPERTY, host.ticketUsed());
        exchange.removeProperty(HOST_MESSAGE);
    }

    private static void restoreProperty(Exchange exchange, String name, Object hostValue) {
        if (hostValue == null) {
            exchange.removeProperty(name);
        } else {
            exchange.setProperty(name, hostValue);
        }
    }

    /**
     * The client given, or the one made from the properties, on first use: when the Kamelet's endpoint starts, so that
     * a missing or contradicting property stops the start of the route that calls the Kamelet. Every message after
     * that reads it without a lock.
     */
    SessionActiveClient client(CamelContext camelContext) {
        SessionActiveClient made = ready;
        return made != null ? made : make(camelContext);
    }

    private synchronized SessionActiveClient make(CamelContext camelContext) {
        if (ready == null) {
            if (client == null) {
                client = fromProperties(camelContext);
            } else if (given(url) || given(applicationToken) || given(ticket) || given(username) || given(password)
                    || given(systemUserToken)) {
                throw new IllegalArgumentException("The Kamelet takes either a client or the properties url, "
                        + "applicationToken and credentials, not both");
            }
            ready = client;
        }
        return ready;
    }

    private SessionActiveClient fromProperties(CamelContext camelContext) {
        require("url", url);
        require("applicationToken", applicationToken);
        if (!url.strip().matches("(?i)https?://.+")) {
            throw new IllegalArgumentException("The Kamelet property url must be an http:// or https:// address");
        }
        requireHttpsUnlessLoopback();
        SSLContextParameters tls = TlsSettings.create(camelContext, trustStore, trustStorePassword, trustStoreType,
                keyStore, keyStorePassword, keyStoreType);
        // one bus for the endpoint and the login, shut down with the host's CamelContext; the host's default bus stays
        CustomerServiceBus bus = CustomerServiceBus.startedWith(camelContext);
        TicketCache tickets = new TicketCache(login(bus, sslContext(camelContext, tls)), Duration.ofMillis(maxTicketAge),
                Duration.ofMillis(loginRetryAfter), Clock.systemUTC());
        return new SessionActiveClient(bus,
                new SessionActiveClient.EndpointSettings(url.strip(), connectTimeout, receiveTimeout, maxAnswerSize, tls,
                        wireLogging),
                tickets, applicationToken, timeZoneId(),
                CredentialRejection.fromSettings("credentialRejectionTypes", credentialRejectionTypes,
                        "credentialRejectionPattern", credentialRejectionPattern),
                new SecretRedactor(applicationToken, ticket, password, systemUserToken, trustStorePassword,
                        keyStorePassword));
    }

    /** The addresses the secrets go to: the CustomerService and the login services given (the defaults are of url's host, or https). */
    private void requireHttpsUnlessLoopback() {
        if (allowInsecureHttp) {
            return;
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("url", url);
        addresses.put("soPrincipalUrl", soPrincipalUrl);
        addresses.put("systemUserUrl", systemUserUrl);
        addresses.put("jwksUrl", jwksUrl);
        addresses.forEach((property, address) -> {
            if (given(address)) {
                PlainHttp.refusal(address).ifPresent(refusal -> {
                    throw new IllegalArgumentException("The Kamelet property " + property + " uses " + refusal
                            + ": the application token and credentials would travel unencrypted. Use https://, or "
                            + "set allowInsecureHttp=true if you really mean it");
                });
            }
        });
    }

    private Login login(CustomerServiceBus bus, SSLContext sslContext) {
        boolean byTicket = given(ticket);
        boolean byPassword = given(username) || given(password);
        boolean bySystemUser = given(systemUserToken) || given(privateKeyFile) || given(contextIdentifier);
        if ((byTicket ? 1 : 0) + (byPassword ? 1 : 0) + (bySystemUser ? 1 : 0) != 1) {
            throw new IllegalArgumentException("The Kamelet needs the credentials of one mode: ticket; username and "
                    + "password; or systemUserToken, privateKeyFile and contextIdentifier");
        }
        if (byTicket) {
            return new StaticTicketLogin(ticket);
        }
        if (byPassword) {
            require("username", username);
            require("password", password);
            String login = given(soPrincipalUrl) ? soPrincipalUrl.strip() : PasswordLogin.urlFor(url.strip());
            return new PasswordLogin(bus.bus(), login, applicationToken, username.strip(), password, sslContext,
                    connectTimeout, receiveTimeout, Clock.systemUTC());
        }
        require("systemUserToken", systemUserToken);
        require("privateKeyFile", privateKeyFile);
        require("contextIdentifier", contextIdentifier);
        // the environment's login host (sod/qaonline/online), as the standalone reporter
        String origin = SystemUserLogin.loginOrigin(url.strip());
        return new SystemUserLogin(
                URI.create(given(systemUserUrl) ? systemUserUrl.strip() : origin + "/Login/api/PartnerSystemUser/Authenticate"),
                applicationToken, contextIdentifier.strip(), systemUserToken.strip(),
                SystemUserLogin.readPrivateKey(Path.of(privateKeyFile.strip())),
                URI.create(given(jwksUrl) ? jwksUrl.strip() : origin + "/login/.well-known/jwks"), null, sslContext,
                Duration.ofMillis(receiveTimeout), Clock.systemUTC());
    }

    private static SSLContext sslContext(CamelContext camelContext, SSLContextParameters tls) {
        try {
            return tls.createSSLContext(camelContext);
        } catch (Exception e) {
            throw new IllegalArgumentException("The Kamelet's TLS properties cannot be used: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Integer timeZoneId() {
        if (!given(timeZoneId)) {
            return null;
        }
        try {
            return Integer.valueOf(timeZoneId.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The Kamelet property timeZoneId must be a whole number (SoTimeZoneId)");
        }
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }

    private static void require(String property, String value) {
        if (!given(value)) {
            throw new IllegalArgumentException("The Kamelet property " + property + " is required"
                    + ("url".equals(property) || "applicationToken".equals(property) ? " (unless a client is given)"
                    : " in this credential mode"));
        }
    }

    private static long positive(String property, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("The Kamelet property " + property + " must be positive, not " + value);
        }
        return value;
    }
}
