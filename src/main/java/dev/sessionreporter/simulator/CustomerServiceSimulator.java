package dev.sessionreporter.simulator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Never logs the application token, the ticket, a password or a full session key.
 */
public final class CustomerServiceSimulator implements AutoCloseable {
    public static final String CUSTOMER_SERVICE_PATH = "/Remote/Services88/CustomerService.svc";
    public static final String DEFAULT_CONTEXT_PREFIX = "/Cust00000";
    public static final String SOAP11_ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    public static final String SOAP12_ENVELOPE_NS = "http://www.w3.org/2003/05/soap-envelope";
    public static final String SERVICES88_NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    public static final String SOAP_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"";
    public static final String RESPONSE_SOAP_ACTION =
            "http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActiveResponse";
    public static final String SO_PRINCIPAL_PATH = "/Remote/Services88/SoPrincipal.svc";
    public static final String SO_PRINCIPAL_SOAP_ACTION =
            "\"http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePassword\"";
    public static final String SO_PRINCIPAL_RESPONSE_SOAP_ACTION =
            "http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePasswordResponse";
    /** SuperOffice Online system-user login (JSON), see {@link #partnerSystemUserUrl()}. */
    public static final String PARTNER_SYSTEM_USER_PATH = "/Login/api/PartnerSystemUser/Authenticate";
    /** The JWKS holding the public key the simulator signs its JWTs with. */
    public static final String JWKS_PATH = "/login/.well-known/jwks";
    /** JWT claim holding the NetServer ticket. */
    public static final String TICKET_CLAIM = "http://schemes.superoffice.net/identity/ticket";
    /** JWT claim holding the tenant's current SOAP base URL (ends with {@code /Remote/Services88/}). */
    public static final String NETSERVER_URL_CLAIM = "http://schemes.superoffice.net/identity/netserver_url";
    /** JWT claim holding the tenant's REST base URL. */
    public static final String WEBAPI_URL_CLAIM = "http://schemes.superoffice.net/identity/webapi_url";
    /** JWT claim holding the context identifier ({@code CustNNNNN}). */
    public static final String CONTEXT_CLAIM = "http://schemes.superoffice.net/identity/ctx";
    /** JWT claim holding the tenant database serial number; the system-user JWT's audience is "spn:" + it. */
    public static final String SERIAL_CLAIM = "http://schemes.superoffice.net/identity/serial";
    /** The {@code iss} of system-user JWTs (superoffice-docs api/authentication/online/validate-security-tokens.md). */
    public static final String JWT_ISSUER = "SuperOffice AS";

    /** ExceptionType of a missing, unknown or expired ticket (undocumented by SuperOffice; see process()). */
    public static final String REJECTED_IDENTITY_TYPE = "SoCredentialsException";
    private static final String REJECTED_IDENTITY_MESSAGE = "The identity could not be verified. Log in again.";
    private static final String REJECTED_IDENTITY_FRIENDLY_TEXT = "You have been logged out. Please log in again.";

    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CustomerServiceSimulator.class);
    private static final String XSI_NS = SimXml.XSI_NS;
    private static final String WCF_ADDRESSING_NONE_NS = "http://schemas.microsoft.com/ws/2005/05/addressing/none";
    private static final String WCF_DISPATCHER_NS =
            "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
    private static final String TEXT_XML_UTF8 = "text/xml; charset=utf-8";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private volatile String applicationToken;
    private volatile String ticket;
    private final Map<String, Integer> sessions = new ConcurrentHashMap<>();
    private final Map<String, SimulatedFailure> failuresByKey = new ConcurrentHashMap<>();
    private final AtomicReference<SimulatedFailure> globalFailure = new AtomicReference<>();
    private final AtomicReference<SimulatedFailure> loginFailure = new AtomicReference<>();
    private final List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());
    /** Client address and port of every request: one entry per TCP connection the clients opened. */
    private final Set<InetSocketAddress> clientConnections = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();
    private final int instance = INSTANCES.incrementAndGet();

    private final TicketRegistry tickets = new TicketRegistry();
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final List<ReceivedRequest> authRecorded = Collections.synchronizedList(new ArrayList<>());
    private final PartnerSystemUserService partnerSystemUser;
    private volatile boolean acceptFixedTicket = true;

    private volatile SimHttpServer server;
    private volatile boolean https;
    private volatile boolean running;
    private volatile int port = -1;

    /**
     * @param applicationToken the ApplicationToken it accepts; {@code null} = not checked (an on-site server)
     * @param ticket           the Credentials/Ticket it accepts
     */
    public CustomerServiceSimulator(String applicationToken, String ticket) {
        this.applicationToken = applicationToken;
        this.ticket = Objects.requireNonNull(ticket, "ticket");
        this.partnerSystemUser = new PartnerSystemUserService(tickets, () -> this.applicationToken, this::baseUrl,
                "so-sim-" + instance);
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
                        this::handle);
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
        if (loginId <= 0) {
            throw new IllegalArgumentException("loginId must be positive: " + loginId);
        }
        sessions.put(Objects.requireNonNull(sessionKey, "sessionKey"), loginId);
    }

    public void removeSession(String sessionKey) {
        sessions.remove(sessionKey);
    }

    /** Changes the accepted ApplicationToken ({@code null} = not checked). */
    public void setApplicationToken(String applicationToken) {
        this.applicationToken = applicationToken;
    }

    /** Changes the accepted ticket, e.g. to make the client's current ticket expire. */
    public void setTicket(String ticket) {
        this.ticket = Objects.requireNonNull(ticket, "ticket");
    }

    // ------------------------------------------------------------------ authentication

    /** A user SoPrincipal {@code AuthenticateUsernamePassword} accepts (replaces the password of a known user). */
    public void addUser(String user, String password) {
        // NetServer user names are case-insensitive; passwords are not
        users.put(Objects.requireNonNull(user, "user").toLowerCase(Locale.ROOT),
                Objects.requireNonNull(password, "password"));
    }

    /**
     * A SuperOffice Online system user for {@code POST /Login/api/PartnerSystemUser/Authenticate}: the system user
     * token, the tenant ({@code CustNNNNN}) it belongs to and the partner's RSA public key that signs it.
     */
    public void addSystemUser(String systemUserToken, String contextIdentifier, PublicKey partnerKey) {
        partnerSystemUser.addSystemUser(systemUserToken, contextIdentifier, partnerKey);
    }

    /**
     * The {@code netserver_url} claim of issued JWTs; {@code null} (default) = {@code baseUrl() + "/<context>/Remote/
     * Services88/"}. Lets a test move the tenant, as SuperOffice Online does for load balancing.
     */
    /** Signs system-user JWTs with this RSA key pair instead of its own (tests: a certificate for that key). */
    public void useJwtSigningKey(java.security.KeyPair keyPair) {
        partnerSystemUser.useSigningKey(keyPair);
    }

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
        this.acceptFixedTicket = accept;
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
        synchronized (authRecorded) {
            return List.copyOf(authRecorded);
        }
    }

    public void failFor(String sessionKey, SimulatedFailure failure) {
        failuresByKey.put(Objects.requireNonNull(sessionKey, "sessionKey"),
                Objects.requireNonNull(failure, "failure"));
    }

    public void failAll(SimulatedFailure failure) {
        globalFailure.set(Objects.requireNonNull(failure, "failure"));
    }

    public void clearFailures() {
        globalFailure.set(null);
        failuresByKey.clear();
        loginFailure.set(null);
    }

    /**
     * An outage of the login endpoints (SoPrincipal, PartnerSystemUser Authenticate, JWKS), as the load balancer in
     * front of them gives it: {@link SimulatedFailure#httpStatus} (e.g. 503, no SOAP or JSON), {@link
     * SimulatedFailure#dropConnection}, {@link SimulatedFailure#delay}, or {@link SimulatedFailure#failTimes} of one
     * of them. Answered before any check of the request; CustomerService is not affected. Cleared by
     * {@link #clearFailures()}.
     */
    public void failLogins(SimulatedFailure failure) {
        SimulatedFailure inner = failure instanceof SimulatedFailure.FailTimes times ? times.failure() : failure;
        if (!(inner instanceof SimulatedFailure.HttpStatus || inner instanceof SimulatedFailure.DropConnection
                || inner instanceof SimulatedFailure.Delay)) {
            throw new IllegalArgumentException("a login outage is an HTTP status, a dropped connection or a delay: " + failure);
        }
        loginFailure.set(failure);
    }

    // ------------------------------------------------------------------ what it received

    public List<ReceivedRequest> requests() {
        synchronized (recorded) {
            List<ReceivedRequest> copy = new ArrayList<>(recorded.size());
            for (Recorded r : recorded) {
                copy.add(r.request);
            }
            return List.copyOf(copy);
        }
    }

    public List<ReceivedRequest> requestsFor(String sessionKey) {
        synchronized (recorded) {
            List<ReceivedRequest> copy = new ArrayList<>();
            for (Recorded r : recorded) {
                if (r.request.sessionKey() != null && r.request.sessionKey().equals(sessionKey)) {
                    copy.add(r.request);
                }
            }
            return List.copyOf(copy);
        }
    }

    /** Requests for this key answered {@code Succeeded=true} with {@code Response > 0}. */
    public int acceptedReportCount(String sessionKey) {
        synchronized (recorded) {
            int count = 0;
            for (Recorded r : recorded) {
                if (r.succeeded && r.response > 0 && Objects.equals(r.request.sessionKey(), sessionKey)) {
                    count++;
                }
            }
            return count;
        }
    }

    public int requestCount() {
        return recorded.size();
    }

    public Optional<ReceivedRequest> lastRequest() {
        synchronized (recorded) {
            return recorded.isEmpty() ? Optional.empty() : Optional.of(recorded.get(recorded.size() - 1).request);
        }
    }

    /** How many TCP connections the requests since the last {@link #clearRequests()} came over. */
    public int connectionCount() {
        return clientConnections.size();
    }

    /** Forgets the recorded requests, {@link #authenticationRequests()} and connections included. */
    public void clearRequests() {
        recorded.clear();
        authRecorded.clear();
        clientConnections.clear();
    }

    // ------------------------------------------------------------------ HTTP handling

    private record Recorded(ReceivedRequest request, boolean succeeded, int response) {
    }

    /** What to answer: status, content type (null = no body), body, extra headers, or drop the connection. */
    private record Answer(int status, String contentType, String body, Map<String, String> headers, boolean drop) {
        static Answer of(int status, String contentType, String body) {
            return new Answer(status, contentType, body, Map.of(), false);
        }

        /** A status without a body, as WCF answers what it cannot read as a message. */
        static Answer empty(int status) {
            return new Answer(status, null, null, Map.of(), false);
        }
    }

    /** Mutable request facts, turned into a {@link ReceivedRequest} once the answer is known. */
    private static final class Facts {
        final Instant receivedAt = Instant.now();
        String method;
        String path;
        String httpVersion;
        Map<String, List<String>> headers;
        String body;
        String envelopeNamespace;
        String soapAction;
        String applicationToken;
        String ticket;
        Integer timeZoneId;
        String sessionKey;
        boolean headersInsideSoapHeader;
        boolean authentication;
        SoapOperation operation;
        // outcome
        Answer answer;
        String rejectionReason;
        boolean succeeded;
        int response;
        Duration delay = Duration.ZERO;

        Facts reject(Answer answer, String reason) {
            this.answer = answer;
            this.rejectionReason = reason;
            return this;
        }

        ReceivedRequest toRequest() {
            return new ReceivedRequest(method, path, httpVersion, headers, body, envelopeNamespace, soapAction,
                    applicationToken, ticket, timeZoneId, sessionKey, headersInsideSoapHeader,
                    answer.drop ? 0 : answer.status, rejectionReason, receivedAt);
        }
    }

    private SimHttpServer.Response handle(SimHttpServer.Request request) {
        clientConnections.add(request.remoteAddress());
        Facts facts = new Facts();
        try {
            facts.method = request.method();
            facts.path = request.rawPath();
            facts.httpVersion = request.protocol();
            facts.headers = request.headers();
            facts.soapAction = first(facts.headers, "soapaction");
            String lowerPath = facts.path == null ? "" : facts.path.toLowerCase(Locale.ROOT);
            boolean json = lowerPath.equals(PARTNER_SYSTEM_USER_PATH.toLowerCase(Locale.ROOT))
                    || lowerPath.equals(JWKS_PATH.toLowerCase(Locale.ROOT));
            facts.authentication = json || isServicePath(facts.path, SO_PRINCIPAL_PATH);
            byte[] bytes = request.body();
            if (bytes == null) {
                facts.body = "";
                facts.reject(new Answer(413, "text/html; charset=utf-8",
                        html(413, "Request Entity Too Large"), Map.of("Connection", "close"), false),
                        "body larger than " + MAX_BODY_BYTES + " bytes");
            } else {
                Charset charset = requestCharset(first(facts.headers, "content-type"));
                facts.body = SimXml.decodeLeniently(bytes, charset == null ? StandardCharsets.UTF_8 : charset);
                SimulatedFailure outage = facts.authentication ? resolve(loginFailure.get()) : null;
                if (outage instanceof SimulatedFailure.HttpStatus f) {
                    facts.reject(Answer.of(f.status(), "text/html; charset=utf-8",
                            html(f.status(), SimHttpServer.reasonPhrase(f.status()))),
                            "injected login outage: HTTP " + f.status());
                } else if (outage instanceof SimulatedFailure.DropConnection) {
                    facts.reject(new Answer(0, null, null, Map.of(), true), "injected login outage: dropped connection");
                } else {
                    if (outage instanceof SimulatedFailure.Delay f) {
                        facts.delay = f.delay();
                    }
                    if (json) {
                        processJson(facts, bytes);
                    } else {
                        process(facts, bytes, charset);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("simulator failed to handle a request: {}", e.toString());
            facts.reject(new Answer(0, null, null, Map.of(), true), "simulator error: " + e);
        }
        if (facts.authentication) {
            authRecorded.add(facts.toRequest());
        } else {
            recorded.add(new Recorded(facts.toRequest(), facts.succeeded, facts.response));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} key={} -> {}{}", facts.method, facts.path, mask(facts.sessionKey),
                    facts.answer.drop ? "connection dropped" : facts.answer.status,
                    facts.rejectionReason == null ? " Response=" + facts.response
                            : " (" + facts.rejectionReason + ")");
        }
        Answer answer = facts.answer;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Server", "Microsoft-IIS/10.0");
        if (answer.contentType != null) {
            headers.put("Content-Type", answer.contentType);
        }
        answer.headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Connection")) {
                headers.put(name, value);
            }
        });
        boolean close = answer.headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("Connection"))
                && "close".equalsIgnoreCase(answer.headers.entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("Connection")).findFirst().get().getValue());
        byte[] body = answer.body == null ? new byte[0] : answer.body.getBytes(StandardCharsets.UTF_8);
        return new SimHttpServer.Response(answer.status, headers, body, answer.drop, close, facts.delay);
    }

    // ------------------------------------------------------------------ the checks

    private void process(Facts facts, byte[] bytes, Charset charset) {
        if (!"POST".equals(facts.method)) {
            facts.reject(new Answer(405, "text/html; charset=utf-8", html(405, "Method Not Allowed"),
                    Map.of("Allow", "POST"), false), "method not allowed: " + facts.method);
            return;
        }
        if (isServicePath(facts.path, CUSTOMER_SERVICE_PATH)) {
            facts.operation = REPORT_SESSION_ACTIVE;
        } else if (isServicePath(facts.path, SO_PRINCIPAL_PATH)) {
            facts.operation = AUTHENTICATE_USERNAME_PASSWORD;
        } else {
            facts.reject(Answer.of(404, "text/html; charset=utf-8", html(404, "Not Found")),
                    "unknown path: " + facts.path);
            return;
        }
        String contentType = first(facts.headers, "content-type");
        if (charset == null) {
            // WCF explains a 415 in the status line only (CoreWCF HttpRequestContext.SendResponseAndCloseAsync)
            facts.reject(Answer.empty(415), "unsupported content type: " + contentType);
            return;
        }
        SimXml.Node envelope;
        try {
            envelope = SimXml.parse(bytes, charset);
        } catch (SimXml.MalformedXmlException e) {
            facts.reject(Answer.empty(400), e.getMessage());
            return;
        }
        if (!envelope.localName.equals("Envelope")) {
            facts.reject(Answer.empty(400), "not a SOAP envelope: root element " + envelope.describe());
            return;
        }
        facts.envelopeNamespace = envelope.namespace;
        extractForRecording(facts, envelope);

        // WCF's Soap11 text encoder refuses any other envelope version while reading the message: 400, no body
        if (!envelope.namespace.equals(SOAP11_ENVELOPE_NS)) {
            facts.reject(Answer.empty(400), "SOAP envelope version mismatch: " + envelope.namespace
                    + (envelope.namespace.equals(SOAP12_ENVELOPE_NS) ? " (SOAP 1.2)" : ""));
            return;
        }

        // envelope structure while the message is read: [Header] Body, else 400 with no body; what follows the Body
        // is read only by the operation formatter (Message.ReadFromBodyContentsToEnd): a DeserializationFailed fault
        SimXml.Node header = null;
        SimXml.Node body = null;
        String problem = null;
        String afterBody = null;
        for (SimXml.Node child : envelope.children) {
            if (body != null) {
                afterBody = "The formatter threw an exception while trying to deserialize the message: unexpected"
                        + " element " + child.describe() + " after the SOAP Body.";
                break;
            }
            if (child.is(SOAP11_ENVELOPE_NS, "Header") && header == null) {
                header = child;
            } else if (child.is(SOAP11_ENVELOPE_NS, "Body")) {
                body = child;
            } else if (child.namespace.equals(SERVICES88_NS)) {
                problem = "header entry " + child.describe() + " directly under the SOAP Envelope, outside s:Header";
                break;
            } else {
                problem = "unexpected element " + child.describe() + " in the SOAP Envelope before the Body";
                break;
            }
        }
        if (problem == null && (envelope.hasNonWhitespaceText() || (header != null && header.hasNonWhitespaceText()))) {
            problem = "text content in the SOAP Envelope or Header";
        }
        if (problem == null && body == null) {
            problem = "the SOAP Envelope has no Body element";
        }
        if (problem != null) {
            facts.reject(Answer.empty(400), problem);
            return;
        }
        // dispatch by SOAPAction, as WCF does
        // WCF takes the SOAPAction with or without its quotes (it strips them only when present)
        List<String> actions = facts.headers.getOrDefault("soapaction", List.of());
        SoapOperation operation = facts.operation;
        if (actions.size() != 1 || !unquote(operation.soapAction()).equals(unquote(actions.get(0)))) {
            String action = actions.isEmpty() ? "" : unquote(String.join(",", actions));
            String mismatch = "The message with Action '" + action + "' cannot be processed at the receiver, due to a"
                    + " ContractFilter mismatch at the EndpointDispatcher. This may be because of either a contract"
                    + " mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch"
                    + " between the sender and the receiver.  Check that sender and receiver have the same contract"
                    + " and the same binding (including security requirements, e.g. Message, Transport, None)."
                    + " Expected SOAPAction header " + operation.soapAction() + ".";
            facts.reject(fault("a:ActionNotSupported", WCF_ADDRESSING_NONE_NS, mismatch),
                    actions.isEmpty() ? "missing SOAPAction" : "wrong SOAPAction: " + String.join(",", actions));
            return;
        }

        // headers
        problem = header == null ? null : checkHeaders(header, operation);
        if (problem != null) {
            String code = problem.startsWith("The header '") ? "s:MustUnderstand" : "a:DeserializationFailed";
            facts.reject(fault(code, code.startsWith("a:") ? WCF_DISPATCHER_NS : null, problem), problem);
            return;
        }
        // body, then what follows it
        problem = checkBody(body, operation);
        if (problem == null) {
            problem = afterBody;
        }
        if (problem != null) {
            facts.reject(fault("a:DeserializationFailed", WCF_DISPATCHER_NS, problem), problem);
            return;
        }
        if (operation == AUTHENTICATE_USERNAME_PASSWORD) {
            processLogin(facts, body.children.get(0));
            return;
        }
        // the key the operation formatter took, not whatever element the lenient recording pass found
        SimXml.Node keyParameter = acceptedParameters(body.children.get(0), operation).get("SessionKey");
        facts.sessionKey = keyParameter == null || keyParameter.isNil() ? null : keyParameter.text();

        // injected failures
        SimulatedFailure configured = globalFailure.get();
        if (configured == null && facts.sessionKey != null) {
            configured = failuresByKey.get(facts.sessionKey);
        }
        SimulatedFailure failure = resolve(configured);
        if (failure instanceof SimulatedFailure.SoapFault f) {
            facts.reject(fault("s:Server", null, f.faultString()), "injected SOAP fault");
            return;
        } else if (failure instanceof SimulatedFailure.HttpStatus f) {
            facts.reject(Answer.of(f.status(), "text/html; charset=utf-8", html(f.status(), SimHttpServer.reasonPhrase(f.status()))),
                    "injected HTTP status " + f.status());
            return;
        } else if (failure instanceof SimulatedFailure.ServerException f) {
            facts.reject(soapAnswer(false, exceptionInfo(f.message(), f.message(), f.exceptionType(),
                    "SuperOffice.Services.Implementation"), 0), "injected server exception: " + f.exceptionType());
            return;
        } else if (failure instanceof SimulatedFailure.DropConnection) {
            facts.reject(new Answer(0, null, null, Map.of(), true), "injected dropped connection");
            return;
        } else if (failure instanceof SimulatedFailure.Delay f) {
            facts.delay = f.delay();
        }

        // application token, then ticket: before the session lookup, never echoed
        String[] tokenProblem = applicationTokenProblem(facts.applicationToken);
        if (tokenProblem != null) {
            facts.reject(soapAnswer(false, tokenProblem[0], 0), tokenProblem[1]);
            return;
        }
        // NetServer's exact ExceptionType and Message for a missing, unknown or expired ticket are not documented.
        // The type is a NetServer security exception name; the messages are deliberately plain and do not use the
        // words a client might key on (ticket, credential, authenticate): a client must decide on ExceptionType.
        if (facts.ticket == null || facts.ticket.isEmpty()) {
            facts.reject(soapAnswer(false, exceptionInfo(REJECTED_IDENTITY_MESSAGE, REJECTED_IDENTITY_FRIENDLY_TEXT,
                    REJECTED_IDENTITY_TYPE, "SuperOffice.CRM.Security"), 0), "missing Credentials/Ticket");
            return;
        }
        String ticketProblem = ticketProblem(facts.ticket);
        if (ticketProblem != null) {
            facts.reject(soapAnswer(false, exceptionInfo(ticketProblem.equals("expired ticket")
                    ? "The login has timed out. Log in again." : REJECTED_IDENTITY_MESSAGE,
                    REJECTED_IDENTITY_FRIENDLY_TEXT, REJECTED_IDENTITY_TYPE, "SuperOffice.CRM.Security"), 0),
                    ticketProblem);
            return;
        }

        int loginId = facts.sessionKey == null ? 0 : sessions.getOrDefault(facts.sessionKey, 0);
        facts.succeeded = true;
        facts.response = loginId;
        facts.answer = soapAnswer(true, null, loginId);
    }

    /** PartnerSystemUser Authenticate and the JWKS (JSON endpoints). */
    private void processJson(Facts facts, byte[] bytes) {
        PartnerSystemUserService.Reply reply = facts.path.equalsIgnoreCase(JWKS_PATH)
                ? partnerSystemUser.jwks(facts.method)
                : partnerSystemUser.authenticate(facts.method, first(facts.headers, "content-type"), bytes);
        facts.answer = new Answer(reply.status(), reply.contentType(), reply.body(), reply.headers(), false);
        facts.rejectionReason = reply.rejectionReason();
        facts.succeeded = reply.rejectionReason() == null;
    }

    /** {exceptionInfo XML, rejection reason} when the ApplicationToken is not accepted; null when it is. */
    private String[] applicationTokenProblem(String sent) {
        String expectedToken = applicationToken;
        if (expectedToken == null) {
            return null;
        }
        if (sent == null || sent.isEmpty()) {
            return new String[] {exceptionInfo(
                    "No application token was supplied; the application could not be authenticated.",
                    "The application is not authorized to access this database.",
                    "SoApplicationTokenException", "SuperOffice.CRM.Security"), "missing ApplicationToken"};
        }
        if (!secretEquals(expectedToken, sent)) {
            return new String[] {exceptionInfo(
                    "Invalid application token: the application could not be authenticated.",
                    "The application is not authorized to access this database.",
                    "SoApplicationTokenException", "SuperOffice.CRM.Security"), "invalid ApplicationToken"};
        }
        return null;
    }

    /**
     * Null when the ticket is accepted: the fixed ticket (unless {@link #setAcceptFixedTicket switched off}) or an
     * issued, unexpired one (which is then extended); else the rejection reason.
     */
    private String ticketProblem(String sent) {
        if (acceptFixedTicket && secretEquals(ticket, sent)) {
            return null;
        }
        return switch (tickets.use(sent)) {
            case VALID -> null;
            case EXPIRED -> "expired ticket";
            case UNKNOWN -> "invalid ticket";
        };
    }

    /** SoPrincipal AuthenticateUsernamePassword, after the SOAP checks passed. */
    private void processLogin(Facts facts, SimXml.Node operation) {
        String[] tokenProblem = applicationTokenProblem(facts.applicationToken);
        if (tokenProblem != null) {
            facts.reject(loginAnswer(false, tokenProblem[0], null, null, null), tokenProblem[1]);
            return;
        }
        String user = null;
        String password = null;
        for (SimXml.Node parameter : acceptedParameters(operation, AUTHENTICATE_USERNAME_PASSWORD).values()) {
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
        if (expected == null || password == null || !secretEquals(expected, password)) {
            // as NetServer: no exception, AuthenticationSucceeded=false, no ticket
            facts.reject(loginAnswer(true, null, null, null, null), "wrong user name or password");
            return;
        }
        String issued = tickets.issue();
        facts.succeeded = true;
        facts.answer = loginAnswer(true, null, user, issued, contextIdentifier(facts.path));
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

    private static SimulatedFailure resolve(SimulatedFailure failure) {
        if (failure instanceof SimulatedFailure.FailTimes times) {
            return times.tryConsume() ? resolve(times.failure()) : null;
        }
        return failure;
    }

    /**
     * Lenient pass that records token, ticket, time zone and session key wherever they were put (inside
     * {@code Header} or, wrongly, directly under {@code Envelope}), so rejected requests are recorded fully.
     */
    private static void extractForRecording(Facts facts, SimXml.Node envelope) {
        boolean inside = false;
        boolean outside = false;
        for (SimXml.Node child : envelope.children) {
            if (child.localName.equals("Header") && child.namespace.equals(envelope.namespace)) {
                for (SimXml.Node entry : child.children) {
                    inside |= extractHeader(facts, entry);
                }
            } else if (child.localName.equals("Body") && child.namespace.equals(envelope.namespace)) {
                for (SimXml.Node operation : child.children) {
                    if (operation.localName.equals("ReportSessionActive")) {
                        for (SimXml.Node parameter : operation.children) {
                            if (parameter.localName.equals("SessionKey") && facts.sessionKey == null) {
                                facts.sessionKey = parameter.isNil() ? null : parameter.text();
                            }
                        }
                    }
                }
            } else {
                outside |= extractHeader(facts, child);
            }
        }
        facts.headersInsideSoapHeader = inside && !outside;
    }

    private static boolean extractHeader(Facts facts, SimXml.Node entry) {
        if (!entry.namespace.equals(SERVICES88_NS)) {
            return false;
        }
        switch (entry.localName) {
            case "ApplicationToken" -> {
                if (facts.applicationToken == null && !entry.isNil()) {
                    facts.applicationToken = entry.text();
                }
                return true;
            }
            case "Credentials" -> {
                for (SimXml.Node t : entry.childrenNamed(SERVICES88_NS, "Ticket")) {
                    if (facts.ticket == null && !t.isNil()) {
                        facts.ticket = t.text();
                    }
                }
                return true;
            }
            case "TimeZone" -> {
                for (SimXml.Node id : entry.childrenNamed(SERVICES88_NS, "SoTimeZoneId")) {
                    try {
                        if (facts.timeZoneId == null && !id.isNil()) {
                            facts.timeZoneId = Integer.valueOf(id.text().strip());
                        }
                    } catch (NumberFormatException ignored) {
                        // reported by checkHeaders
                    }
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Validates the header entries as WCF's formatter would; returns the problem or null. */
    private static String checkHeaders(SimXml.Node header, SoapOperation operation) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (SimXml.Node entry : header.children) {
            boolean known = entry.namespace.equals(SERVICES88_NS) && operation.headers().contains(entry.localName);
            if (!known) {
                String mustUnderstand = entry.attribute(SOAP11_ENVELOPE_NS, "mustUnderstand");
                if (mustUnderstand != null && (mustUnderstand.strip().equals("1")
                        || mustUnderstand.strip().equals("true"))) {
                    return "The header '" + entry.localName + "' from the namespace '" + entry.namespace
                            + "' was not understood by the recipient of this message, causing the message to not be"
                            + " processed.  This error typically indicates that the sender of this message has"
                            + " enabled a communication protocol that the receiver cannot process.";
                }
                continue;
            }
            if (seen.merge(entry.localName, 1, Integer::sum) > 1) {
                return "Multiple headers with name '" + entry.localName + "' and namespace '" + SERVICES88_NS
                        + "' found.";
            }
            String problem = switch (entry.localName) {
                case "ApplicationToken" -> simpleValue(entry);
                case "Credentials" -> checkChildren(entry, "Ticket");
                default -> checkTimeZone(entry);
            };
            if (problem != null) {
                return "The formatter threw an exception while trying to deserialize the message: header "
                        + entry.describe() + ": " + problem;
            }
        }
        return null;
    }

    private static String checkChildren(SimXml.Node parent, String... allowed) {
        if (parent.isNil()) {
            return null;
        }
        if (parent.hasNonWhitespaceText()) {
            return "unexpected text content";
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (SimXml.Node child : parent.children) {
            if (child.namespace.equals(SERVICES88_NS) && List.of(allowed).contains(child.localName)) {
                if (seen.merge(child.localName, 1, Integer::sum) > 1) {
                    return "element " + child.describe() + " occurs more than once";
                }
                String problem = simpleValue(child);
                if (problem != null) {
                    return problem;
                }
            }
            // other elements are ignored, as DataContractSerializer does
        }
        return null;
    }

    private static String checkTimeZone(SimXml.Node timeZone) {
        String problem = checkChildren(timeZone, "SoTimeZoneId", "SoTimeZoneLocationCode");
        if (problem != null) {
            return problem;
        }
        for (SimXml.Node id : timeZone.childrenNamed(SERVICES88_NS, "SoTimeZoneId")) {
            if (id.isNil()) {
                return "SoTimeZoneId is not nillable";
            }
            try {
                Integer.parseInt(id.text().strip());
            } catch (NumberFormatException e) {
                return "SoTimeZoneId is not a valid int";
            }
        }
        return null;
    }

    private static String simpleValue(SimXml.Node node) {
        if (!node.children.isEmpty()) {
            return "element " + node.describe() + " must hold text only, found child element "
                    + node.children.get(0).describe();
        }
        if (node.isNil() && node.hasNonWhitespaceText()) {
            return "element " + node.describe() + " is nil but has content";
        }
        return null;
    }

    /** Validates the body as WCF's operation formatter would; returns the problem or null. */
    private static String checkBody(SimXml.Node body, SoapOperation op) {
        String name = op.name();
        if (body.hasNonWhitespaceText()) {
            return "The formatter threw an exception while trying to deserialize the message: unexpected text in the"
                    + " SOAP Body.";
        }
        if (body.children.isEmpty()) {
            return "OperationFormatter encountered an invalid Message body. Expected to find node type 'Element'"
                    + " with name '" + name + "' and namespace '" + SERVICES88_NS
                    + "'. Found node type 'EndElement' with name 'Body' and namespace '" + SOAP11_ENVELOPE_NS + "'";
        }
        SimXml.Node operation = body.children.get(0);
        if (!operation.is(SERVICES88_NS, name)) {
            return "OperationFormatter encountered an invalid Message body. Expected to find node type 'Element'"
                    + " with name '" + name + "' and namespace '" + SERVICES88_NS
                    + "'. Found node type 'Element' with name '" + operation.localName + "' and namespace '"
                    + operation.namespace + "'";
        }
        // after the wrapper the formatter expects </Body> (Message.ReadFromBodyContentsToEnd): an XmlException
        if (body.children.size() > 1) {
            return "The message body holds more than one element; found " + body.children.get(1).describe()
                    + " after '" + name + "'.";
        }
        if (operation.hasNonWhitespaceText()) {
            return "The formatter threw an exception while trying to deserialize the message: unexpected text in"
                    + " '" + name + "'.";
        }
        for (SimXml.Node parameter : acceptedParameters(operation, op).values()) {
            String problem = simpleValue(parameter);
            if (problem != null) {
                return "The formatter threw an exception while trying to deserialize the message: " + problem;
            }
        }
        return null;
    }

    /**
     * The parameters WCF's operation formatter takes from the wrapper element, by name: each child is matched against
     * the parameters not yet passed, in declaration order; a child that matches none of them (unknown, repeated or out
     * of order) is skipped (DataContractSerializerOperationFormatter.DeserializeParameters, TraceAndSkipElement).
     */
    private static Map<String, SimXml.Node> acceptedParameters(SimXml.Node wrapper, SoapOperation op) {
        Map<String, SimXml.Node> accepted = new LinkedHashMap<>();
        int next = 0;
        for (SimXml.Node child : wrapper.children) {
            for (int i = next; i < op.parameters().size(); i++) {
                if (child.is(SERVICES88_NS, op.parameters().get(i))) {
                    accepted.put(op.parameters().get(i), child);
                    next = i + 1;
                    break;
                }
            }
        }
        return accepted;
    }

    // ------------------------------------------------------------------ answers (hand-written templates)

    /** The SOAP operations the simulator serves: where, which SOAPAction, body element, headers, parameters. */
    private record SoapOperation(String path, String soapAction, String name, List<String> headers,
            List<String> parameters) {
    }

    private static final SoapOperation REPORT_SESSION_ACTIVE = new SoapOperation(CUSTOMER_SERVICE_PATH, SOAP_ACTION,
            "ReportSessionActive", List.of("ApplicationToken", "Credentials", "TimeZone"), List.of("SessionKey"));
    private static final SoapOperation AUTHENTICATE_USERNAME_PASSWORD = new SoapOperation(SO_PRINCIPAL_PATH,
            SO_PRINCIPAL_SOAP_ACTION, "AuthenticateUsernamePassword", List.of("ApplicationToken"),
            List.of("UserName", "Password"));

    /**
     * The reply to AuthenticateUsernamePassword. Success: {@code AuthenticateResponse { Response (a few
     * SoPrincipalCarrier members, in WSDL order), Credentials { Ticket }, AuthenticationSucceeded=true }}; otherwise
     * {@code Response} and {@code Credentials} nil and {@code AuthenticationSucceeded=false}.
     */
    private static Answer loginAnswer(boolean succeeded, String exceptionInfo, String user, String issuedTicket,
            String context) {
        String ns = SERVICES88_NS;
        StringBuilder body = new StringBuilder("<AuthenticateResponse xmlns=\"").append(ns).append("\" xmlns:i=\"")
                .append(XSI_NS).append("\">");
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
        return Answer.of(200, TEXT_XML_UTF8, soapEnvelope(succeeded, exceptionInfo, body.toString()));
    }

    private static Answer soapAnswer(boolean succeeded, String exceptionInfo, int response) {
        return Answer.of(200, TEXT_XML_UTF8, soapEnvelope(succeeded, exceptionInfo,
                "<ReportSessionActiveResponse xmlns=\"" + SERVICES88_NS + "\"><Response>" + response
                        + "</Response></ReportSessionActiveResponse>"));
    }

    /** The WCF reply envelope: the four response headers, then {@code bodyXml}. */
    private static String soapEnvelope(boolean succeeded, String exceptionInfo, String bodyXml) {
        String ns = SERVICES88_NS;
        String body = "<s:Envelope xmlns:s=\"" + SOAP11_ENVELOPE_NS + "\"><s:Header>"
                + (exceptionInfo == null
                ? "<ExceptionInfo xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                : exceptionInfo)
                + "<ExtraInfo xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                + "<Succeeded xmlns=\"" + ns + "\">" + succeeded + "</Succeeded>"
                + "<TimeZone xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                + "</s:Header><s:Body>" + bodyXml + "</s:Body></s:Envelope>";
        return body;
    }

    private static String exceptionInfo(String message, String friendlyText, String exceptionType, String source) {
        return "<ExceptionInfo xmlns=\"" + SERVICES88_NS + "\" xmlns:i=\"" + XSI_NS + "\">"
                + "<Message>" + SimXml.escapeText(message) + "</Message>"
                + "<StackTrace i:nil=\"true\"/>"
                + "<FriendlyText>" + SimXml.escapeText(friendlyText) + "</FriendlyText>"
                + "<ExceptionType>" + SimXml.escapeText(exceptionType) + "</ExceptionType>"
                + "<Source>" + SimXml.escapeText(source) + "</Source>"
                + "<InnerException i:nil=\"true\"/>"
                + "<Parameters i:nil=\"true\"/>"
                + "</ExceptionInfo>";
    }

    /** HTTP 500 with a SOAP 1.1 fault, as WCF writes it. */
    private static Answer fault(String faultCode, String codePrefixNamespace, String faultString) {
        String codeElement = codePrefixNamespace == null
                ? "<faultcode>" + SimXml.escape(faultCode) + "</faultcode>"
                : "<faultcode xmlns:a=\"" + SimXml.escape(codePrefixNamespace) + "\">" + SimXml.escape(faultCode)
                + "</faultcode>";
        String body = "<s:Envelope xmlns:s=\"" + SOAP11_ENVELOPE_NS + "\"><s:Body><s:Fault>" + codeElement
                + "<faultstring xml:lang=\"en-US\">" + SimXml.escapeText(faultString) + "</faultstring>"
                + "</s:Fault></s:Body></s:Envelope>";
        return Answer.of(500, TEXT_XML_UTF8, body);
    }

    private static String html(int status, String reason) {
        return "<!DOCTYPE html><html><head><title>" + status + " " + SimXml.escapeText(reason) + "</title></head><body><h1>"
                + status + " " + SimXml.escapeText(reason) + "</h1></body></html>";
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Whether {@code path} is {@code /<site or tenant>/Remote/Services88/<service>.svc}: at most one path segment
     * before {@code /Remote/} (an on-site NetServer may sit at the site root), case-insensitive as IIS. Anything else is 404, as on the real server; a doubled
     * {@code .../Remote/Services86/Remote/Services88/...} included.
     */
    static boolean isServicePath(String path, String servicePath) {
        if (path == null || !path.toLowerCase(Locale.ROOT).endsWith(servicePath.toLowerCase(Locale.ROOT))) {
            return false;
        }
        String prefix = path.substring(0, path.length() - servicePath.length());
        return prefix.isEmpty() || (prefix.length() > 1 && prefix.charAt(0) == '/' && prefix.indexOf('/', 1) < 0);
    }

    /**
     * The charset of a SOAP 1.1 request: {@code text/xml} with charset utf-8, utf-16 (little-endian unless a byte order
     * mark says otherwise, as .NET's Unicode), utf-16le or utf-16be, or none (utf-8) — the encodings WCF's text
     * encoder reads (CoreWCF TextMessageEncoder). Null for anything else, answered 415 ({@code application/soap+xml}
     * included).
     */
    static Charset requestCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("text/xml")) {
            return null;
        }
        Charset charset = StandardCharsets.UTF_8;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                charset = switch (unquote(parameter.substring(eq + 1).strip()).toLowerCase(Locale.ROOT)) {
                    case "utf-8" -> StandardCharsets.UTF_8;
                    case "utf-16", "utf-16le" -> StandardCharsets.UTF_16LE;
                    case "utf-16be" -> StandardCharsets.UTF_16BE;
                    default -> null;
                };
            }
        }
        return charset;
    }

    private static String unquote(String value) {
        String v = value.strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    static boolean secretEquals(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    /** First 4 characters of a session key and an ellipsis; never the whole key. */
    static String mask(String sessionKey) {
        if (sessionKey == null) {
            return "null";
        }
        return (sessionKey.length() <= 4 ? "" : sessionKey.substring(0, 4)) + "…";
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
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
        int port = 8089;
        String token = System.getenv("SIMULATOR_APPLICATION_TOKEN");
        String ticketValue = System.getenv("SIMULATOR_TICKET");
        Map<String, Integer> initialSessions = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                if (arg.equals("--help") || arg.equals("-h")) {
                    usage(null);
                    return;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value for " + arg);
                    }
                    value = args[++i];
                }
                switch (arg) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--application-token" -> token = value;
                    case "--ticket" -> ticketValue = value;
                    case "--session" -> {
                        int sep = value.lastIndexOf('=');
                        if (sep <= 0) {
                            throw new IllegalArgumentException("--session expects KEY=LOGINID");
                        }
                        initialSessions.put(value.substring(0, sep), Integer.parseInt(value.substring(sep + 1)));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (ticketValue == null || ticketValue.isEmpty()) {
                throw new IllegalArgumentException("--ticket is required");
            }
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            System.exit(2);
            return;
        }
        CustomerServiceSimulator simulator = new CustomerServiceSimulator(token, ticketValue);
        initialSessions.forEach(simulator::addSession);
        simulator.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "so-sim-shutdown"));
        System.out.println("SuperOffice CustomerService simulator listening on " + simulator.customerServiceUrl()
                + " (" + initialSessions.size() + " session(s), application token "
                + (token == null ? "not checked" : "checked") + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            simulator.close();
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("error: " + error);
        }
        System.err.println("usage: CustomerServiceSimulator [--port N] [--application-token T] --ticket T"
                + " [--session KEY=LOGINID]...");
        System.err.println("  token and ticket may also be set via SIMULATOR_APPLICATION_TOKEN / SIMULATOR_TICKET");
    }
}
