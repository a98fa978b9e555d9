package dev.sessionreporter.template;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.kamelet.SessionActiveAction;
import dev.sessionreporter.secret.SessionKeyMask;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;

/**
 * What a template sends to its result endpoint for a reported key: the standalone reporter's result message (a line
 * with the masked key and the login id, headers SessionReporterMaskedSessionKey, LoginId and RouteId), one-way, without
 * the trigger's headers and without the full key.
 */
public class ReportedResult implements Processor {
    @Override
    public void process(Exchange exchange) {
        var message = exchange.getIn();
        String masked = SessionKeyMask.mask(SessionKeyOf.body(message.getBody()));
        Object loginId = message.getHeader(SessionActiveAction.LOGIN_ID);
        message.removeHeaders("*");
        message.setHeader(ReporterHeaders.LOGIN_ID, loginId);
        message.setHeader(ReporterHeaders.MASKED_SESSION_KEY, masked);
        message.setHeader(ReporterHeaders.ROUTE_ID, exchange.getFromRouteId());
        message.setBody("Session " + masked + " reported active: loginId=" + loginId);
        exchange.setPattern(ExchangePattern.InOnly);
    }
}
