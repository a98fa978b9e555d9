package dev.sessionreporter.soap;

import dev.sessionreporter.failure.ReporterHeaders;
import org.apache.camel.Exchange;

/**
 * Counts the SOAP calls made for one exchange. It runs inside the call route, which Camel's redelivery re-runs as a
 * whole, so the count includes every retry; the first call also starts the latency clock.
 */
public class CallAttempts {
    private final Runnable onRepeatedCall;

    public CallAttempts() {
        this(() -> { });
    }

    /** {@code onRepeatedCall} runs for every call after the first of an exchange (the redeliveries metric). */
    public CallAttempts(Runnable onRepeatedCall) {
        this.onRepeatedCall = onRepeatedCall;
    }

    public void beforeCall(Exchange exchange) {
        int calls = exchange.getProperty(ReporterHeaders.CALLS_PROPERTY, 0, Integer.class) + 1;
        exchange.setProperty(ReporterHeaders.CALLS_PROPERTY, calls);
        if (calls == 1) {
            exchange.setProperty(ReporterHeaders.STARTED_NANOS_PROPERTY, System.nanoTime());
        } else {
            onRepeatedCall.run();
        }
    }

    /** Number of SOAP calls made so far; 0 when the input was rejected before calling the server. */
    public static int of(Exchange exchange) {
        return exchange.getProperty(ReporterHeaders.CALLS_PROPERTY, 0, Integer.class);
    }
}
