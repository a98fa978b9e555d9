package dev.sessionreporter.template;

import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.failure.RetryLog;
import dev.sessionreporter.secret.SecretRedactor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A template's onRedelivery: the standalone reporter's WARN line before each retry, with the masked key read from the
 * message (the Kamelet keeps the key off the host's exchange); counts the retries for the dead letter's attempts.
 */
public class RetryWarning implements Processor {
    /** Exchange property: retries made so far. The redelivery header is gone once the original message is back. */
    static final String RETRIES = "SessionReporterRetries";

    private final RetryLog retryLog = new RetryLog(new FailureClassifier(), new SecretRedactor());

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(RETRIES, exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, SessionKeyOf.body(exchange.getIn().getBody()));
        try {
            retryLog.process(exchange);
        } finally {
            exchange.removeProperty(ReporterHeaders.SESSION_KEY_PROPERTY);
        }
    }
}
