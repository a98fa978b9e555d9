package dev.sessionreporter.failure;

import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.secret.SessionKeyMask;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line before each retry of a transient failure, with the reason and the (redacted) detail the key would be
 * dead-lettered with. Camel's own retry line names only the outermost exception: for a mistyped host that was
 * "SoapFault: Error writing to XMLStreamWriter", not the host.
 */
public class RetryLog implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sessionreporter.retry");

    private final FailureClassifier classifier;
    private final SecretRedactor redactor;

    public RetryLog(FailureClassifier classifier, SecretRedactor redactor) {
        this.classifier = classifier;
        this.redactor = redactor;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null || !LOG.isWarnEnabled()) {
            return;
        }
        String sessionKey = exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class);
        FailureClassifier.Classification classification = classifier.classify(failure);
        LOG.warn("Session {} failed ({}: {}), retry {} of {}", SessionKeyMask.mask(sessionKey),
                classification.reason(), redactor.redact(classification.detail(), sessionKey,
                        exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class)).replaceAll("[\\r\\n\\t]+", " "),
                exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER), exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER));
    }
}
