package dev.sessionreporter.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict simulator of SuperOffice NetServer {@code Services88/CustomerService.svc}, operation
 * {@code ReportSessionActive}, over real HTTP on loopback (basicHttpBinding, SOAP 1.1), answering like WCF.
 *
 * <p>Checks, in order (the first failing one answers):
 * <ol>
 *   <li>method POST, else 405; path ending in {@link #CUSTOMER_SERVICE_PATH} (any prefix, case-insensitive, as IIS),
 *       else 404; body at most 1 MiB, else 413;</li>
 *   <li>{@code Content-Type: text/xml} with charset utf-8 (or none), else 415 (SOAP 1.2's
 *       {@code application/soap+xml} included);</li>
 *   <li>well-formed XML without DOCTYPE, processing instructions or entity references, root {@code Envelope},
 *       else 400;</li>
 *   <li>envelope namespace SOAP 1.1, else 500 fault {@code s:VersionMismatch};</li>
 *   <li>envelope structure: optional {@code s:Header} then {@code s:Body}, nothing else (header entries directly
 *       under Envelope included), else 500 fault {@code s:Client};</li>
 *   <li>{@code SOAPAction} exactly {@value #SOAP_ACTION} (quoted), else 500 fault {@code a:ActionNotSupported};</li>
 *   <li>headers and body deserialize: body {@code tns:ReportSessionActive} with only {@code tns:SessionKey}, no
 *       duplicate header entries, {@code SoTimeZoneId} an int, else 500 fault {@code a:DeserializationFailed};
 *       unknown header with {@code s:mustUnderstand="1"}, else 500 fault {@code s:MustUnderstand};</li>
 *   <li>injected {@link SimulatedFailure} (global wins over per-key);</li>
 *   <li>ApplicationToken (skipped when configured {@code null}, like on-site servers), then Credentials/Ticket:
 *       HTTP 200, {@code Succeeded=false}, {@code ExceptionInfo} filled, {@code Response=0};</li>
 *   <li>session lookup: {@code Response} = login id, or 0 for an unknown (or absent) key; {@code Succeeded=true}.</li>
 * </ol>
 *
 * <p>Never logs the application token, the ticket or a full session key.
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

    static final int WORKER_THREADS = 64;
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
    private final List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());
    private final Object lifecycle = new Object();
    private final int instance = INSTANCES.incrementAndGet();

    private volatile HttpServer server;
    private volatile ExecutorService workers;
    private volatile ScheduledExecutorService scheduler;
    private volatile boolean running;
    private volatile int port = -1;

    /**
     * @param applicationToken the ApplicationToken it accepts; {@code null} = not checked (an on-site server)
     * @param ticket           the Credentials/Ticket it accepts
     */
    public CustomerServiceSimulator(String applicationToken, String ticket) {
        this.applicationToken = applicationToken;
        this.ticket = Objects.requireNonNull(ticket, "ticket");
    }

    // ------------------------------------------------------------------ lifecycle

    /** Binds 127.0.0.1:{@code port} (0 = ephemeral) and starts serving. May be called again after {@link #close()}. */
    public CustomerServiceSimulator start(int port) {
        synchronized (lifecycle) {
            if (running) {
                throw new IllegalStateException("simulator already running on port " + this.port);
            }
            HttpServer created;
            try {
                created = HttpServer.create(new InetSocketAddress(loopback(), port), 128);
            } catch (IOException e) {
                throw new IllegalStateException("cannot bind 127.0.0.1:" + port + ": " + e.getMessage(), e);
            }
            AtomicInteger threads = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), daemonThreads("so-sim-" + instance + "-http-", threads));
            pool.allowCoreThreadTimeOut(true);
            ScheduledThreadPoolExecutor delays = new ScheduledThreadPoolExecutor(1,
                    daemonThreads("so-sim-" + instance + "-delay-", new AtomicInteger()));
            delays.setRemoveOnCancelPolicy(true);
            created.createContext("/", this::handle);
            created.setExecutor(pool);
            this.server = created;
            this.workers = pool;
            this.scheduler = delays;
            this.port = created.getAddress().getPort();
            created.start();
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

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
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
                server.stop(0);
            } finally {
                scheduler.shutdownNow();
                workers.shutdownNow();
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

    public void clearRequests() {
        recorded.clear();
    }

    // ------------------------------------------------------------------ HTTP handling

    private record Recorded(ReceivedRequest request, boolean succeeded, int response) {
    }

    /** What to answer: status, content type (null = no body), body, extra headers, or drop the connection. */
    private record Answer(int status, String contentType, String body, Map<String, String> headers, boolean drop) {
        static Answer of(int status, String contentType, String body) {
            return new Answer(status, contentType, body, Map.of(), false);
        }
    }

    /** Mutable request facts, turned into a {@link ReceivedRequest} once the answer is known. */
    private static final class Facts {
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
                    answer.drop ? 0 : answer.status, rejectionReason);
        }
    }

    private void handle(HttpExchange exchange) {
        boolean handedOff = false;
        try {
            Facts facts = new Facts();
            facts.method = exchange.getRequestMethod();
            facts.path = exchange.getRequestURI().getRawPath();
            facts.httpVersion = exchange.getProtocol();
            facts.headers = lowerCased(exchange.getRequestHeaders());
            facts.soapAction = first(facts.headers, "soapaction");
            byte[] bytes = readBody(exchange.getRequestBody());
            if (bytes == null) {
                facts.body = "";
                facts.reject(new Answer(413, "text/html; charset=utf-8",
                        html(413, "Request Entity Too Large"), Map.of("Connection", "close"), false),
                        "body larger than " + MAX_BODY_BYTES + " bytes");
            } else {
                facts.body = new String(bytes, StandardCharsets.UTF_8);
                process(facts, bytes);
            }
            recorded.add(new Recorded(facts.toRequest(), facts.succeeded, facts.response));
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {} key={} -> {}{}", facts.method, facts.path, mask(facts.sessionKey),
                        facts.answer.drop ? "connection dropped" : facts.answer.status,
                        facts.rejectionReason == null ? " Response=" + facts.response
                                : " (" + facts.rejectionReason + ")");
            }
            if (!facts.delay.isZero()) {
                long delayNanos = facts.delay.toNanos();
                Answer answer = facts.answer;
                ExecutorService pool = workers;
                try {
                    scheduler.schedule(() -> {
                        try {
                            pool.execute(() -> send(exchange, answer));
                        } catch (RejectedExecutionException stopped) {
                            exchange.close();
                        }
                    }, delayNanos, TimeUnit.NANOSECONDS);
                    handedOff = true;
                } catch (RejectedExecutionException stopped) {
                    exchange.close();
                    handedOff = true;
                }
            } else {
                handedOff = true;
                send(exchange, facts.answer);
            }
        } catch (Throwable t) {
            LOG.warn("simulator failed to handle a request: {}", t.toString());
            if (!handedOff) {
                exchange.close();
            }
        }
    }

    private static void send(HttpExchange exchange, Answer answer) {
        try {
            if (answer.drop) {
                // closing an exchange before any response headers were sent closes the TCP connection
                return;
            }
            Headers headers = exchange.getResponseHeaders();
            headers.set("Server", "Microsoft-IIS/10.0");
            if (answer.contentType != null) {
                headers.set("Content-Type", answer.contentType);
            }
            answer.headers.forEach(headers::set);
            byte[] body = answer.body == null ? new byte[0] : answer.body.getBytes(StandardCharsets.UTF_8);
            boolean noBody = body.length == 0 || answer.status == 204 || answer.status == 304
                    || "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
            exchange.sendResponseHeaders(answer.status, noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("simulator could not send its answer: {}", e.toString());
        } finally {
            exchange.close();
        }
    }

    // ------------------------------------------------------------------ the checks

    private void process(Facts facts, byte[] bytes) {
        if (!"POST".equals(facts.method)) {
            facts.reject(new Answer(405, "text/html; charset=utf-8", html(405, "Method Not Allowed"),
                    Map.of("Allow", "POST"), false), "method not allowed: " + facts.method);
            return;
        }
        if (facts.path == null || !facts.path.toLowerCase(Locale.ROOT)
                .endsWith(CUSTOMER_SERVICE_PATH.toLowerCase(Locale.ROOT))) {
            facts.reject(Answer.of(404, "text/html; charset=utf-8", html(404, "Not Found")),
                    "unknown path: " + facts.path);
            return;
        }
        String contentType = first(facts.headers, "content-type");
        if (!isSoap11ContentType(contentType)) {
            facts.reject(Answer.of(415, "text/plain; charset=utf-8",
                    "Cannot process the message because the content type '" + (contentType == null ? "" : contentType)
                            + "' was not the expected type '" + TEXT_XML_UTF8 + "'."),
                    "unsupported content type: " + contentType);
            return;
        }
        SimXml.Node envelope;
        try {
            envelope = SimXml.parse(bytes);
        } catch (SimXml.MalformedXmlException e) {
            facts.reject(Answer.of(400, "text/html; charset=utf-8", html(400, "Bad Request")), e.getMessage());
            return;
        }
        if (!envelope.localName.equals("Envelope")) {
            facts.reject(Answer.of(400, "text/html; charset=utf-8", html(400, "Bad Request")),
                    "not a SOAP envelope: root element " + envelope.describe());
            return;
        }
        facts.envelopeNamespace = envelope.namespace;
        extractForRecording(facts, envelope);

        if (!envelope.namespace.equals(SOAP11_ENVELOPE_NS)) {
            facts.reject(fault("s:VersionMismatch", null, "The envelope version of the incoming message ("
                    + (envelope.namespace.equals(SOAP12_ENVELOPE_NS) ? "Soap12 (" + SOAP12_ENVELOPE_NS + ")"
                    : "'" + envelope.namespace + "'")
                    + ") does not match that of the encoder (Soap11 (" + SOAP11_ENVELOPE_NS
                    + ")). Make sure the binding is configured with the same version as the expected messages."),
                    "SOAP envelope version mismatch: " + envelope.namespace);
            return;
        }

        // envelope structure: [Header] Body, nothing else
        SimXml.Node header = null;
        SimXml.Node body = null;
        for (SimXml.Node child : envelope.children) {
            String problem = null;
            if (child.is(SOAP11_ENVELOPE_NS, "Header") && header == null && body == null) {
                header = child;
            } else if (child.is(SOAP11_ENVELOPE_NS, "Body") && body == null) {
                body = child;
            } else if (child.namespace.equals(SERVICES88_NS)) {
                problem = "Unexpected element " + child.describe() + " directly under the SOAP Envelope: header"
                        + " entries must be inside the s:Header element.";
            } else {
                problem = "Unexpected element " + child.describe() + " in the SOAP Envelope; expected an optional"
                        + " Header followed by a Body (namespace '" + SOAP11_ENVELOPE_NS + "').";
            }
            if (problem != null) {
                facts.reject(fault("s:Client", null, problem), problem);
                return;
            }
        }
        if (envelope.hasNonWhitespaceText() || (header != null && header.hasNonWhitespaceText())
                || (body != null && body.hasNonWhitespaceText())) {
            String problem = "Unexpected text content in the SOAP Envelope, Header or Body.";
            facts.reject(fault("s:Client", null, problem), problem);
            return;
        }
        if (body == null) {
            String problem = "The SOAP Envelope has no Body element (namespace '" + SOAP11_ENVELOPE_NS + "').";
            facts.reject(fault("s:Client", null, problem), problem);
            return;
        }

        // dispatch by SOAPAction, as WCF does
        List<String> actions = facts.headers.getOrDefault("soapaction", List.of());
        if (actions.size() != 1 || !SOAP_ACTION.equals(actions.get(0))) {
            String action = actions.isEmpty() ? "" : unquote(String.join(",", actions));
            String problem = "The message with Action '" + action + "' cannot be processed at the receiver, due to a"
                    + " ContractFilter mismatch at the EndpointDispatcher. This may be because of either a contract"
                    + " mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch"
                    + " between the sender and the receiver.  Check that sender and receiver have the same contract"
                    + " and the same binding (including security requirements, e.g. Message, Transport, None)."
                    + " Expected SOAPAction header " + SOAP_ACTION + ".";
            facts.reject(fault("a:ActionNotSupported", WCF_ADDRESSING_NONE_NS, problem),
                    actions.isEmpty() ? "missing SOAPAction" : "wrong SOAPAction: " + String.join(",", actions));
            return;
        }

        // headers
        String problem = header == null ? null : checkHeaders(header);
        if (problem != null) {
            String code = problem.startsWith("The header '") ? "s:MustUnderstand" : "a:DeserializationFailed";
            facts.reject(fault(code, code.startsWith("a:") ? WCF_DISPATCHER_NS : null, problem), problem);
            return;
        }
        // body
        problem = checkBody(body);
        if (problem != null) {
            facts.reject(fault("a:DeserializationFailed", WCF_DISPATCHER_NS, problem), problem);
            return;
        }

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
            facts.reject(Answer.of(f.status(), "text/html; charset=utf-8", html(f.status(), reasonPhrase(f.status()))),
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
        String expectedToken = applicationToken;
        if (expectedToken != null) {
            if (facts.applicationToken == null || facts.applicationToken.isEmpty()) {
                facts.reject(soapAnswer(false, exceptionInfo(
                        "No application token was supplied; the application could not be authenticated.",
                        "The application is not authorized to access this database.",
                        "SoApplicationTokenException", "SuperOffice.CRM.Security"), 0),
                        "missing ApplicationToken");
                return;
            }
            if (!secretEquals(expectedToken, facts.applicationToken)) {
                facts.reject(soapAnswer(false, exceptionInfo(
                        "Invalid application token: the application could not be authenticated.",
                        "The application is not authorized to access this database.",
                        "SoApplicationTokenException", "SuperOffice.CRM.Security"), 0),
                        "invalid ApplicationToken");
                return;
            }
        }
        if (facts.ticket == null || facts.ticket.isEmpty()) {
            facts.reject(soapAnswer(false, exceptionInfo(
                    "Invalid ticket: no ticket was supplied, the credentials were not accepted.",
                    "Your credentials were not accepted. Please log in again.",
                    "SoCredentialsException", "SuperOffice.CRM.Security"), 0),
                    "missing Credentials/Ticket");
            return;
        }
        if (!secretEquals(ticket, facts.ticket)) {
            facts.reject(soapAnswer(false, exceptionInfo(
                    "Invalid ticket: the credentials were not accepted.",
                    "Your credentials were not accepted. Please log in again.",
                    "SoCredentialsException", "SuperOffice.CRM.Security"), 0),
                    "invalid ticket");
            return;
        }

        int loginId = facts.sessionKey == null ? 0 : sessions.getOrDefault(facts.sessionKey, 0);
        facts.succeeded = true;
        facts.response = loginId;
        facts.answer = soapAnswer(true, null, loginId);
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
    private static String checkHeaders(SimXml.Node header) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (SimXml.Node entry : header.children) {
            boolean known = entry.namespace.equals(SERVICES88_NS) && (entry.localName.equals("ApplicationToken")
                    || entry.localName.equals("Credentials") || entry.localName.equals("TimeZone"));
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
    private static String checkBody(SimXml.Node body) {
        if (body.children.isEmpty()) {
            return "OperationFormatter encountered an invalid Message body. Expected to find node type 'Element'"
                    + " with name 'ReportSessionActive' and namespace '" + SERVICES88_NS
                    + "'. Found node type 'EndElement' with name 'Body' and namespace '" + SOAP11_ENVELOPE_NS + "'";
        }
        SimXml.Node operation = body.children.get(0);
        if (!operation.is(SERVICES88_NS, "ReportSessionActive")) {
            return "OperationFormatter encountered an invalid Message body. Expected to find node type 'Element'"
                    + " with name 'ReportSessionActive' and namespace '" + SERVICES88_NS
                    + "'. Found node type 'Element' with name '" + operation.localName + "' and namespace '"
                    + operation.namespace + "'";
        }
        if (body.children.size() > 1) {
            return "The message body holds more than one element; found " + body.children.get(1).describe()
                    + " after 'ReportSessionActive'.";
        }
        if (operation.hasNonWhitespaceText()) {
            return "The formatter threw an exception while trying to deserialize the message: unexpected text in"
                    + " 'ReportSessionActive'.";
        }
        int sessionKeys = 0;
        for (SimXml.Node parameter : operation.children) {
            if (!parameter.is(SERVICES88_NS, "SessionKey") || ++sessionKeys > 1) {
                return "The formatter threw an exception while trying to deserialize the message: Error in"
                        + " deserializing body of request message for operation 'ReportSessionActive'. Expecting"
                        + " element 'SessionKey' from namespace '" + SERVICES88_NS + "'.. Encountered 'Element' with"
                        + " name '" + parameter.localName + "', namespace '" + parameter.namespace + "'.";
            }
            String problem = simpleValue(parameter);
            if (problem != null) {
                return "The formatter threw an exception while trying to deserialize the message: " + problem;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ answers (hand-written templates)

    private static Answer soapAnswer(boolean succeeded, String exceptionInfo, int response) {
        String ns = SERVICES88_NS;
        String body = "<s:Envelope xmlns:s=\"" + SOAP11_ENVELOPE_NS + "\"><s:Header>"
                + (exceptionInfo == null
                ? "<ExceptionInfo xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                : exceptionInfo)
                + "<ExtraInfo xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                + "<Succeeded xmlns=\"" + ns + "\">" + succeeded + "</Succeeded>"
                + "<TimeZone xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                + "</s:Header><s:Body><ReportSessionActiveResponse xmlns=\"" + ns + "\"><Response>" + response
                + "</Response></ReportSessionActiveResponse></s:Body></s:Envelope>";
        return Answer.of(200, TEXT_XML_UTF8, body);
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

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }

    // ------------------------------------------------------------------ helpers

    /** Accepts {@code text/xml} with charset utf-8 or no charset; anything else (SOAP 1.2 included) is 415. */
    static boolean isSoap11ContentType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("text/xml")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String charset = unquote(parameter.substring(eq + 1).strip());
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String unquote(String value) {
        String v = value.strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static boolean secretEquals(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    /** First 4 characters of a session key and an ellipsis; never the whole key. */
    static String mask(String sessionKey) {
        if (sessionKey == null) {
            return "null";
        }
        return (sessionKey.length() <= 4 ? "" : sessionKey.substring(0, 4)) + "…";
    }

    private static Map<String, List<String>> lowerCased(Headers headers) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        headers.forEach((name, values) -> result.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
        Map<String, List<String>> immutable = new LinkedHashMap<>();
        result.forEach((name, values) -> immutable.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(immutable);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Reads the whole body; null when larger than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY_BYTES) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix, AtomicInteger counter) {
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
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
