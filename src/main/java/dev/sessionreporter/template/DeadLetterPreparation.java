package dev.sessionreporter.template;

import dev.sessionreporter.failure.DeadLetterHeaders;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.secret.SecretRedactor;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;

/**
 * A template's onPrepareFailure: the original message gets the standalone reporter's reason headers
 * (SessionReporterFailureReason, FailureDetail, Attempts, RouteId, MaskedSessionKey; every text redacted) and loses the
 * sender's instructions to the broker (reply-to, JMSX*, JMS_*, Artemis _AMQ* properties); it is sent one-way.
 */
public class DeadLetterPreparation implements Processor {
    private final DeadLetterHeaders headers = new DeadLetterHeaders(new FailureClassifier(), new SecretRedactor());

    @Override
    public void process(Exchange exchange) {
        if (exchange.getException() != null && exchange.getProperty(Exchange.EXCEPTION_CAUGHT) == null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, exchange.getException());
        }
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, SessionKeyOf.body(exchange.getIn().getBody()));
        try {
            headers.stamp(exchange);
        } finally {
            // the key stays off the exchange, where the host's tracer may show it
            exchange.removeProperty(ReporterHeaders.SESSION_KEY_PROPERTY);
        }
        var message = exchange.getIn();
        // the Kamelet's message starts with the reason, which has a header of its own
        String reason = message.getHeader(ReporterHeaders.FAILURE_REASON, String.class);
        String detail = message.getHeader(ReporterHeaders.FAILURE_DETAIL, String.class);
        if (detail != null && detail.startsWith(reason + ": ")) {
            message.setHeader(ReporterHeaders.FAILURE_DETAIL, detail.substring(reason.length() + 2));
        }
        // the server was called once plus once per redelivery; invalid input never reached it
        boolean called = !FailureReason.INVALID_INPUT.name().equals(message.getHeader(ReporterHeaders.FAILURE_REASON));
        message.setHeader(ReporterHeaders.ATTEMPTS,
                called ? 1 + exchange.getProperty(RetryWarning.RETRIES, 0, Integer.class) : 0);
        message.removeHeaders("JMSReplyTo|JMSX.*|JMS_.*|_+AMQ.*");
        exchange.removeProperty(RetryWarning.RETRIES);
        exchange.setPattern(ExchangePattern.InOnly);
    }
}
