package dev.sessionreporter.operate;

import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.FailureReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Watches every SOAP call to SuperOffice (one {@code ExchangeSentEvent} per call to the cxf endpoint, so each retry
 * counts once): times it for the metrics and counts consecutive {@code UNREACHABLE} outcomes for the readiness check.
 * Any other outcome — an answer, an HTTP error, a timeout, a fault — proves the server reachable and resets the count.
 */
public class SuperOfficeCalls extends EventNotifierSupport {
    private final FailureClassifier classifier;
    private final ReporterMetrics metrics;
    private final AtomicInteger consecutiveUnreachable = new AtomicInteger();
    private volatile String lastOutcome = "none yet";

    public SuperOfficeCalls(FailureClassifier classifier, ReporterMetrics metrics) {
        this.classifier = classifier;
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /**
     * Camel times a send, and so raises its sent event, only when a notifier took the sending event: both are taken
     * for the cxf endpoint (the sending event is not used otherwise).
     */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeSentEvent sent ? sent.getEndpoint() instanceof CxfEndpoint
                : event instanceof ExchangeSendingEvent sending && sending.getEndpoint() instanceof CxfEndpoint;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof ExchangeSentEvent sent)) {
            return;
        }
        Exchange exchange = sent.getExchange();
        Throwable failure = exchange.getException();
        String outcome;
        if (failure == null) {
            outcome = "answered";
            consecutiveUnreachable.set(0);
        } else {
            FailureReason reason = classifier.classify(failure).reason();
            outcome = reason.name();
            if (reason == FailureReason.UNREACHABLE) {
                consecutiveUnreachable.incrementAndGet();
            } else {
                consecutiveUnreachable.set(0);
            }
        }
        lastOutcome = outcome;
        metrics.soapCall(outcome.toLowerCase(java.util.Locale.ROOT), Duration.ofMillis(sent.getTimeTaken()));
    }

    /** SOAP calls in a row that could not reach SuperOffice. */
    public int consecutiveUnreachable() {
        return consecutiveUnreachable.get();
    }

    public String lastOutcome() {
        return lastOutcome;
    }
}
