package dev.sessionreporter.operate;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.kamelet.SessionActiveAction;
import dev.sessionreporter.secret.SessionKeyMask;
import dev.sessionreporter.soap.CallAttempts;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;

/**
 * What the result endpoint (reporter.result.uri) gets for a reported key: the result headers and a one-line summary
 * with the key masked, made from the login id the Kamelet's SOAP step put in {@value SessionActiveAction#LOGIN_ID}.
 */
public class ReportedSession {
    public void summarize(Exchange exchange) {
        Object loginId = exchange.getIn().getHeader(SessionActiveAction.LOGIN_ID);
        String masked = SessionKeyMask.mask(exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class));
        Long started = exchange.getProperty(ReporterHeaders.STARTED_NANOS_PROPERTY, Long.class);
        long latencyMillis = started == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int attempts = CallAttempts.of(exchange);
        String routeId = exchange.getFromRouteId();
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(ReporterHeaders.LOGIN_ID, loginId);
        exchange.getIn().setHeader(ReporterHeaders.LATENCY_MILLIS, latencyMillis);
        exchange.getIn().setHeader(ReporterHeaders.MASKED_SESSION_KEY, masked);
        exchange.getIn().setHeader(ReporterHeaders.ATTEMPTS, attempts);
        exchange.getIn().setHeader(ReporterHeaders.ROUTE_ID, routeId);
        exchange.getIn().setBody("Session " + masked + " reported active: loginId=" + loginId + ", latency=" + latencyMillis
                + " ms, attempts=" + attempts + ", route=" + routeId);
    }
}
