package dev.sessionreporter.failure;

import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.secret.SessionKeyMask;
import dev.sessionreporter.soap.CallAttempts;
import org.apache.camel.Exchange;

/**
 * Stamps a failed exchange — already reset to its original message by {@code useOriginalMessage} — with the headers
 * that tell an operator why it ended in the dead-letter endpoint. Every piece of text is redacted first.
 */
public class DeadLetterHeaders {
    private static final int MAX_DETAIL = 1000;

    private final FailureClassifier classifier;
    private final SecretRedactor redactor;

    public DeadLetterHeaders(FailureClassifier classifier, SecretRedactor redactor) {
        this.classifier = classifier;
        this.redactor = redactor;
    }

    public void stamp(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String sessionKey = exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class);
        FailureClassifier.Classification classification = failure == null
                ? new FailureClassifier.Classification(FailureReason.UNEXPECTED_ERROR, false, "no exception recorded")
                : classifier.classify(failure);
        String detail = redactor.redact(classification.detail(), sessionKey,
                exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class)).replaceAll("[\\r\\n\\t]+", " ");
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "…";
        }
        var message = exchange.getIn();
        message.setHeader(ReporterHeaders.FAILURE_REASON, classification.reason().name());
        message.setHeader(ReporterHeaders.FAILURE_DETAIL, detail);
        message.setHeader(ReporterHeaders.ATTEMPTS, CallAttempts.of(exchange));
        message.setHeader(ReporterHeaders.ROUTE_ID, exchange.getFromRouteId());
        message.setHeader(ReporterHeaders.MASKED_SESSION_KEY, SessionKeyMask.mask(sessionKey));
    }
}
