package dev.sessionreporter.simulator;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each HTTP request the {@link SimHttpServer} read to the endpoint it is for (CustomerService and SoPrincipal
 * through the {@link SoapRequestChecks}; PartnerSystemUser and the JWKS as JSON), records it with the answer chosen
 * and hands that answer back to be written. Never logs a secret or a full session key.
 */
final class SimulatorEndpoints implements Function<SimHttpServer.Request, SimHttpServer.Response> {
    // the simulator logs under one name, whichever part of it speaks
    /** Larger request bodies are answered 413 (read by {@link SimHttpServer} up to this). */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(CustomerServiceSimulator.class);
    private static final String PARTNER_SYSTEM_USER_PATH =
            Services88.PARTNER_SYSTEM_USER_PATH.toLowerCase(Locale.ROOT);
    private static final String JWKS_PATH = Services88.JWKS_PATH.toLowerCase(Locale.ROOT);

    private final RequestLog log;
    private final FailureInjection failures;
    private final ReportSessionActiveService reportSessionActive;
    private final SoPrincipalService soPrincipal;
    private final PartnerSystemUserService partnerSystemUser;

    SimulatorEndpoints(RequestLog log, FailureInjection failures, ReportSessionActiveService reportSessionActive,
            SoPrincipalService soPrincipal, PartnerSystemUserService partnerSystemUser) {
        this.log = log;
        this.failures = failures;
        this.reportSessionActive = reportSessionActive;
        this.soPrincipal = soPrincipal;
        this.partnerSystemUser = partnerSystemUser;
    }

    @Override
    public SimHttpServer.Response apply(SimHttpServer.Request request) {
        log.connection(request.remoteAddress());
        Exchange exchange = new Exchange();
        try {
            exchange.method = request.method();
            exchange.path = request.rawPath();
            exchange.httpVersion = request.protocol();
            exchange.headers = request.headers();
            exchange.soapAction = exchange.header("soapaction");
            String lowerPath = exchange.path == null ? "" : exchange.path.toLowerCase(Locale.ROOT);
            boolean json = lowerPath.equals(PARTNER_SYSTEM_USER_PATH) || lowerPath.equals(JWKS_PATH);
            exchange.authentication = json
                    || SoapRequestChecks.isServicePath(exchange.path, Services88.SO_PRINCIPAL_PATH);
            byte[] bytes = request.body();
            if (bytes == null) {
                exchange.body = "";
                exchange.reject(Answer.htmlPage(413, "Request Entity Too Large", Map.of("Connection", "close")),
                        "body larger than " + MAX_BODY_BYTES + " bytes");
            } else {
                Charset charset = SoapRequestChecks.requestCharset(exchange.header("content-type"));
                exchange.body = SimXml.decodeLeniently(bytes, charset == null ? StandardCharsets.UTF_8 : charset);
                if (!(exchange.authentication && failures.rejectsLogin(exchange))) {
                    if (json) {
                        answerJson(exchange, bytes);
                    } else {
                        answerSoap(exchange, bytes, charset);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("simulator failed to handle a request: {}", e.toString());
            exchange.reject(Answer.dropped(), "simulator error: " + e);
        }
        log.record(exchange);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} key={} -> {}{}", exchange.method, exchange.path, ReceivedRequest.mask(exchange.sessionKey),
                    exchange.answer.drop() ? "connection dropped" : exchange.answer.status(),
                    exchange.rejectionReason == null ? " Response=" + exchange.response
                            : " (" + exchange.rejectionReason + ")");
        }
        return exchange.answer.toResponse(exchange.delay);
    }

    private void answerSoap(Exchange exchange, byte[] bytes, Charset charset) {
        SimXml.Node operation = SoapRequestChecks.accept(exchange, bytes, charset);
        if (operation == null) {
            return;
        }
        if (exchange.operation == SoapOperation.AUTHENTICATE_USERNAME_PASSWORD) {
            soPrincipal.answer(exchange, operation);
        } else {
            reportSessionActive.answer(exchange, operation);
        }
    }

    /** PartnerSystemUser Authenticate and the JWKS (JSON endpoints). */
    private void answerJson(Exchange exchange, byte[] bytes) {
        PartnerSystemUserService.Reply reply = exchange.path.equalsIgnoreCase(Services88.JWKS_PATH)
                ? partnerSystemUser.jwks(exchange.method)
                : partnerSystemUser.authenticate(exchange.method, exchange.header("content-type"), bytes);
        exchange.answer = new Answer(reply.status(), reply.contentType(), reply.body(), reply.headers(), false);
        exchange.rejectionReason = reply.rejectionReason();
        exchange.succeeded = reply.rejectionReason() == null;
    }
}
