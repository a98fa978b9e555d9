package dev.sessionreporter.simulator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict simulator of SuperOffice NetServer {@code Services88/CustomerService.svc}, operation
 * {@code ReportSessionActive}, over real HTTP on loopback (basicHttpBinding, SOAP 1.1), answering like WCF.
 *
 * <p>Checks, in order (the first failing one answers), as WCF's server code answers them (CoreWCF's
 * {@code HttpRequestContext}, {@code TextMessageEncoder}, {@code Message}, {@code OperationFormatter}; see
 * CustomerServiceSimulatorTest for the source of each):
 * <ol>
 *   <li>method POST, else 405; path {@code /<site or tenant>/}{@link #CUSTOMER_SERVICE_PATH} (at most one segment
 *       before {@code /Remote/}, case-insensitive as IIS), else 404; body at most 1 MiB, else 413;</li>
 *   <li>{@code Content-Type: text/xml} with charset utf-8, utf-16 or none, else 415 without a body (SOAP 1.2's
 *       {@code application/soap+xml} included);</li>
 *   <li>well-formed XML without DOCTYPE, processing instructions or entity references, root {@code Envelope} in the
 *       SOAP 1.1 namespace, an optional {@code s:Header} then {@code s:Body} (header entries directly under Envelope
 *       are not), else 400 without a body;</li>
 *   <li>{@code SOAPAction} {@value #SOAP_ACTION}, quoted or not, else 500 fault {@code a:ActionNotSupported};</li>
 *   <li>headers and body deserialize: body {@code tns:ReportSessionActive} and nothing after it, no duplicate header
 *       entries, {@code SoTimeZoneId} an int, else 500 fault {@code a:DeserializationFailed}; unknown or repeated
 *       elements inside the operation are skipped; an unknown header with {@code s:mustUnderstand="1"} is 500 fault
 *       {@code s:MustUnderstand};</li>
 *   <li>injected {@link SimulatedFailure} (global wins over per-key);</li>
 *   <li>ApplicationToken (skipped when configured {@code null}, like on-site servers), then Credentials/Ticket:
 *       HTTP 200, {@code Succeeded=false}, {@code ExceptionInfo} filled, {@code Response=0};</li>
 *   <li>session lookup: {@code Response} = login id, or 0 for an unknown (or absent) key; {@code Succeeded=true}.</li>
 * </ol>
 *
 * <p>Authentication (the same server, the same strictness):
 * <ul>
 *   <li>{@code /<site or tenant>/Remote/Services88/SoPrincipal.svc}, {@code AuthenticateUsernamePassword}: the
 *       same HTTP/XML/SOAP checks as above with its own SOAPAction, header {@code ApplicationToken} only (others
 *       ignored unless {@code mustUnderstand}), body {@code UserName, Password} (taken in that order). Users from
 *       {@link #addUser}. Success: {@code AuthenticateResponse { Response (SoPrincipalCarrier subset),
 *       Credentials { Ticket }, AuthenticationSucceeded=true }}; wrong user or password:
 *       {@code AuthenticationSucceeded=false}, no ticket, {@code Succeeded=true}; wrong ApplicationToken:
 *       {@code Succeeded=false}, {@code SoApplicationTokenException}.</li>
 *   <li>{@code POST /Login/api/PartnerSystemUser/Authenticate} and {@code GET /login/.well-known/jwks}: see
 *       {@link PartnerSystemUserService}.</li>
 *   <li>Each login issues a new ticket ({@code 7T:} + random base64, {@link #loginCount()}), valid for
 *       {@link #setTicketLifetime} (default 6 h), sliding. CustomerService accepts issued, unexpired tickets and the
 *       fixed constructor ticket (forever, unless {@link #setAcceptFixedTicket}{@code (false)}); others are answered
 *       {@code Succeeded=false}, {@code SoCredentialsException}.</li>
 * </ul>
 * These requests are recorded in {@link #authenticationRequests()}, not in {@link #requests()}; {@link #failFor} and
 * {@link #failAll} apply to ReportSessionActive only, {@link #failLogins} (an outage: HTTP status, dropped connection,
 * delay) to these login endpoints only. {@link #startHttps} serves all of it over TLS.
 *
 * <p>Its parts, one job each: {@link SimHttpServer} (HTTP/1.1 and TLS on loopback), {@link SimulatorEndpoints} (which
 * endpoint a request is for, recording it in the {@link RequestLog}), {@link SoapRequestChecks} and
 * {@link OperationFormatter} (what WCF rejects before an operation runs, answered by {@link WcfAnswers}),
 * {@link ReportSessionActiveService}, {@link SoPrincipalService} and {@link PartnerSystemUserService} (the operations),
 * {@link AcceptedCredentials} and {@link TicketRegistry} (tokens and tickets), {@link FailureInjection}. It shares
 * no XML code with the client.
 *
 * <p>Never logs the application token, the ticket, a password or a full session key.
 */
public final class CustomerServiceSimulator implements AutoCloseable {
    public static final String CUSTOMER_SERVICE_PATH = Services88.CUSTOMER_SERVICE_PATH;
    public static final String DEFAULT_CONTEXT_PREFIX = "/Cust00000";
    public static final String SOAP11_ENVELOPE_NS = Services88.SOAP11_ENVELOPE_NS;
    public static final String SOAP12_ENVELOPE_NS = Services88.SOAP12_ENVELOPE_NS;
    public static final String SERVICES88_NS = Services88.NS;
    public static final String SOAP_ACTION = Services88.REPORT_SESSION_ACTIVE_SOAP_ACTION;
    public static final String RESPONSE_SOAP_ACTION =
            "http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActiveResponse";
    public static final String SO_PRINCIPAL_PATH = Services88.SO_PRINCIPAL_PATH;
    public static final String SO_PRINCIPAL_SOAP_ACTION = Services88.SO_PRINCIPAL_SOAP_ACTION;
    public static final String SO_PRINCIPAL_RESPONSE_SOAP_ACTION =
            "http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePasswordResponse";
    /** SuperOffice Online system-user login (JSON), see {@link #partnerSystemUserUrl()}. */
    public static final String PARTNER_SYSTEM_USER_PATH = Services88.PARTNER_SYSTEM_USER_PATH;
    /** The JWKS holding the public key the simulator signs its JWTs with. */
    public static final String JWKS_PATH = Services88.JWKS_PATH;
    /** JWT claim holding the NetServer ticket. */
    public static final String TICKET_CLAIM = PartnerSystemUserService.TICKET_CLAIM;
    /** JWT claim holding the tenant's current SOAP base URL (ends with {@code /Remote/Services88/}). */
    public static final String NETSERVER_URL_CLAIM = PartnerSystemUserService.NETSERVER_URL_CLAIM;
    /** JWT claim holding the tenant's REST base URL. */
    public static final String WEBAPI_URL_CLAIM = PartnerSystemUserService.WEBAPI_URL_CLAIM;
    /** JWT claim holding the context identifier ({@code CustNNNNN}). */
    public static final String CONTEXT_CLAIM = PartnerSystemUserService.CONTEXT_CLAIM;
    /** JWT claim holding the tenant database serial number; the system-user JWT's audience is "spn:" + it. */
    public static final String SERIAL_CLAIM = PartnerSystemUserService.SERIAL_CLAIM;
    /** The {@code iss} of system-user JWTs (superoffice-docs api/authentication/online/validate-security-tokens.md). */
    public static final String JWT_ISSUER = PartnerSystemUserService.JWT_ISSUER;

    /** ExceptionType of a missing, unknown or expired ticket (undocumented by SuperOffice; see AcceptedCredentials). */
    public static final String REJECTED_IDENTITY_TYPE = AcceptedCredentials.REJECTED_IDENTITY_TYPE;

    static final int MAX_BODY_BYTES = SimulatorEndpoints.MAX_BODY_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(CustomerServiceSimulator.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Object lifecycle = new Object();
    private final int instance = INSTANCES.incrementAndGet();
    private final TicketRegistry tickets = new TicketRegistry();
    private final AcceptedCredentials credentials;
    private final FailureInjection failures = new FailureInjection();
    private final RequestLog log = new RequestLog();
    private final ReportSessionActiveService reportSessionActive;
    private final SoPrincipalService soPrincipal;
    private final PartnerSystemUserService partnerSystemUser;
    private final SimulatorEndpoints endpoints;

    private volatile SimHttpServer server;
    private volatile boolean https;
    private volatile boolean running;
    private volatile int port = -1;

    /**
     * @param applicationToken the ApplicationToken it accepts; {@code null} = not checked (an on-site server)
     * @param ticket           the Credentials/Ticket it accepts
     */
    public CustomerServiceSimulator(String applicationToken, String ticket) {
        this.credentials = new AcceptedCredentials(applicationToken, ticket, tickets);
        this.reportSessionActive = new ReportSessionActiveService(credentials, failures);
        this.soPrincipal = new SoPrincipalService(credentials, tickets);
        this.partnerSystemUser = new PartnerSystemUserService(tickets, credentials::applicationToken, this::baseUrl,
                "so-sim-" + instance);
        this.endpoints = new SimulatorEndpoints(log, failures, reportSessionActive, soPrincipal, partnerSystemUser);
    }

    // ------------------------------------------------------------------ lifecycle

    /** Binds 127.0.0.1:{@code port} (0 = ephemeral) and starts serving. May be called again after {@link #close()}. */
    public CustomerServiceSimulator start(int port) {
        return startServer(port, null);
    }

    /**
     * Like {@link #start(int)} but serves HTTPS (TLS 1.2/1.3 only, as SuperOffice Online) with the key and certificate
     * of {@code serverContext}; all endpoints and URLs are the same, with {@code https://}.
     */
    public CustomerServiceSimulator startHttps(int port, SSLContext serverContext) {
        return startServer(port, Objects.requireNonNull(serverContext, "serverContext"));
    }

    private CustomerServiceSimulator startServer(int port, SSLContext tls) {
        synchronized (lifecycle) {
            if (running) {
                throw new IllegalStateException("simulator already running on port " + this.port);
            }
            SimHttpServer created;
            try {
                created = new SimHttpServer(loopback(), port, tls, MAX_BODY_BYTES, "so-sim-" + instance + "-",
                        endpoints);
            } catch (IOException e) {
                throw new IllegalStateException("cannot bind 127.0.0.1:" + port + ": " + e.getMessage(), e);
            }
            this.server = created;
            this.port = created.port();
            this.https = tls != null;
            this.running = true;
            LOG.info("SuperOffice CustomerService simulator listening on {}", customerServiceUrl());
            return this;
        }
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("simulator not started");
        }
        return port;
    }

    /** {@code http://127.0.0.1:<port>/Cust00000/Remote/Services88/CustomerService.svc} */
    public String customerServiceUrl() {
        return baseUrl() + DEFAULT_CONTEXT_PREFIX + CUSTOMER_SERVICE_PATH;
    }

    /** {@code http://127.0.0.1:<port>} ({@code https://} after {@link #startHttps}) */
    public String baseUrl() {
        return (https ? "https" : "http") + "://127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:<port>/Cust00000/Remote/Services88/SoPrincipal.svc} */
    public String soPrincipalUrl() {
        return baseUrl() + DEFAULT_CONTEXT_PREFIX + SO_PRINCIPAL_PATH;
    }

    /** {@code http://127.0.0.1:<port>/Login/api/PartnerSystemUser/Authenticate} */
    public String partnerSystemUserUrl() {
        return baseUrl() + PARTNER_SYSTEM_USER_PATH;
    }

    /** {@code http://127.0.0.1:<port>/login/.well-known/jwks} */
    public String jwksUrl() {
        return baseUrl() + JWKS_PATH;
    }

    /** Stops the server at once (open connections are closed, delayed answers dropped). Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            running = false;
            try {
                server.close();
            } finally {
                server = null;
                LOG.info("SuperOffice CustomerService simulator on port {} stopped", port);
            }
        }
    }

    /** Alias of {@link #close()}. */
    public void stop() {
        close();
    }

    public boolean isRunning() {
        return running;
    }

    // ------------------------------------------------------------------ configuration

    public void addSession(String sessionKey, int loginId) {
        reportSessionActive.addSession(sessionKey, loginId);
    }

    public void removeSession(String sessionKey) {
        reportSessionActive.removeSession(sessionKey);
    }

    /** Changes the accepted ApplicationToken ({@code null} = not checked). */
    public void setApplicationToken(String applicationToken) {
        credentials.setApplicationToken(applicationToken);
    }

    /** Changes the accepted ticket, e.g. to make the client's current ticket expire. */
    public void setTicket(String ticket) {
        credentials.setTicket(ticket);
    }

    // ------------------------------------------------------------------ authentication

    /** A user SoPrincipal {@code AuthenticateUsernamePassword} accepts (replaces the password of a known user). */
    public void addUser(String user, String password) {
        soPrincipal.addUser(user, password);
    }

    /**
     * A SuperOffice Online system user for {@code POST /Login/api/PartnerSystemUser/Authenticate}: the system user
     * token, the tenant ({@code CustNNNNN}) it belongs to and the partner's RSA public key that signs it.
     */
    public void addSystemUser(String systemUserToken, String contextIdentifier, PublicKey partnerKey) {
        partnerSystemUser.addSystemUser(systemUserToken, contextIdentifier, partnerKey);
    }

    /** Signs system-user JWTs with this RSA key pair instead of its own (tests: a certificate for that key). */
    public void useJwtSigningKey(KeyPair keyPair) {
        partnerSystemUser.useSigningKey(keyPair);
    }

    /**
     * The {@code netserver_url} claim of issued JWTs; {@code null} (default) = {@code baseUrl() + "/<context>/Remote/
     * Services86/"} ({@link #setNetServerServices}). Lets a test move the tenant, as SuperOffice Online does for load
     * balancing.
     */
    public void setNetServerUrl(String netServerUrl) {
        partnerSystemUser.setNetServerUrl(netServerUrl);
    }

    /**
     * The Services version the default {@code netserver_url} claim names ({@code <base>/<ctx>/Remote/<services>/});
     * default {@code Services86}, as SuperOffice's published token sample: the claim names the tenant, not the
     * version a client calls.
     */
    public void setNetServerServices(String services) {
        partnerSystemUser.setNetServerServices(services);
    }

    /** Logins that issued a ticket (SoPrincipal and PartnerSystemUser), since construction. */
    public int loginCount() {
        return tickets.issuedCount();
    }

    /** Lifetime of issued tickets (default 6 hours), sliding: each accepted use extends a ticket by this much. */
    public void setTicketLifetime(Duration lifetime) {
        tickets.setLifetime(lifetime);
    }

    /** The clock for ticket expiry, JWT times and the system-user timestamp check (default: system UTC). */
    public void setClock(Clock clock) {
        tickets.setClock(clock);
    }

    /** Every ticket issued so far is expired: the next call with any of them is rejected. */
    public void expireAllTickets() {
        tickets.expireAll();
    }

    /** Whether the fixed ticket of the constructor ({@link #setTicket}) is accepted (default true, forever). */
    public void setAcceptFixedTicket(boolean accept) {
        credentials.setAcceptFixedTicket(accept);
    }

    /** When an issued ticket expires unless used again; empty for a ticket the simulator did not issue. */
    public Optional<Instant> ticketExpiry(String issuedTicket) {
        return tickets.expiry(issuedTicket);
    }

    /**
     * Requests to the authentication endpoints (SoPrincipal, PartnerSystemUser, JWKS), accepted or not; not part of
     * {@link #requests()}. Their {@code body} holds what the client sent (passwords included): test use only.
     */
    public List<ReceivedRequest> authenticationRequests() {
        return log.authenticationRequests();
    }

    public void failFor(String sessionKey, SimulatedFailure failure) {
        failures.failFor(sessionKey, failure);
    }

    public void failAll(SimulatedFailure failure) {
        failures.failAll(failure);
    }

    public void clearFailures() {
        failures.clear();
    }

    /**
     * An outage of the login endpoints (SoPrincipal, PartnerSystemUser Authenticate, JWKS), as the load balancer in
     * front of them gives it: {@link SimulatedFailure#httpStatus} (e.g. 503, no SOAP or JSON), {@link
     * SimulatedFailure#dropConnection}, {@link SimulatedFailure#delay}, or {@link SimulatedFailure#failTimes} of one
     * of them. Answered before any check of the request; CustomerService is not affected. Cleared by
     * {@link #clearFailures()}.
     */
    public void failLogins(SimulatedFailure failure) {
        failures.failLogins(failure);
    }

    // ------------------------------------------------------------------ what it received

    public List<ReceivedRequest> requests() {
        return log.requests();
    }

    public List<ReceivedRequest> requestsFor(String sessionKey) {
        return log.requestsFor(sessionKey);
    }

    /** Requests for this key answered {@code Succeeded=true} with {@code Response > 0}. */
    public int acceptedReportCount(String sessionKey) {
        return log.acceptedReportCount(sessionKey);
    }

    public int requestCount() {
        return log.requestCount();
    }

    public Optional<ReceivedRequest> lastRequest() {
        return log.lastRequest();
    }

    /** How many TCP connections the requests since the last {@link #clearRequests()} came over. */
    public int connectionCount() {
        return log.connectionCount();
    }

    /**
     * The most requests the simulator was answering at the same time (read, not yet answered: delays included) since
     * the last {@link #clearRequests()}.
     */
    public int mostConcurrentRequests() {
        SimHttpServer current = server;
        return current == null ? 0 : current.mostInFlight();
    }

    /** Forgets the recorded requests, {@link #authenticationRequests()} and connections included. */
    public void clearRequests() {
        log.clear();
        SimHttpServer current = server;
        if (current != null) {
            current.resetMostInFlight();
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ standalone

    /**
     * {@code --port N --application-token T --ticket T --session KEY=LOGINID} (repeatable). The token and ticket may
     * also come from the environment variables {@code SIMULATOR_APPLICATION_TOKEN} and {@code SIMULATOR_TICKET}.
     * Without an application token the token is not checked. Runs until killed; prints the URL.
     */
    public static void main(String[] args) {
        SimulatorCommandLine.run(args);
    }
}
