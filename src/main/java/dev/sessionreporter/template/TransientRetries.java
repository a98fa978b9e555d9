package dev.sessionreporter.template;

import dev.sessionreporter.failure.FailureClassifier;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * The dead-letter channel's retryWhile of a template: a transient failure (SuperOffice unreachable, timing out,
 * answering 408/429/502/503/504, a renewable ticket rejected) is tried again up to {@code maximumRedeliveries} times;
 * every other failure goes to the dead-letter endpoint at once.
 */
public class TransientRetries implements Predicate {
    private final FailureClassifier classifier = new FailureClassifier();
    private int maximumRedeliveries = 3;

    public void setMaximumRedeliveries(int maximumRedeliveries) {
        if (maximumRedeliveries < 0) {
            throw new IllegalArgumentException("retries must not be negative, not " + maximumRedeliveries);
        }
        this.maximumRedeliveries = maximumRedeliveries;
    }

    @Override
    public boolean matches(Exchange exchange) {
        // the error handler has already counted the redelivery this answer is about
        int redelivery = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return redelivery <= maximumRedeliveries && classifier.isTransient(exchange);
    }
}
