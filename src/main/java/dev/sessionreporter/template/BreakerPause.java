package dev.sessionreporter.template;

import dev.sessionreporter.breaker.QueueConsumptionGate;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue template's route policy: pauses its consumer while its circuit breaker is open (messages stay on the
 * queue) and, when the breaker turns half-open, probes SuperOffice through the template's own Kamelet endpoint, inside
 * the breaker, so that an answer closes it and consumption resumes.
 */
public class BreakerPause extends QueueConsumptionGate {
    private static final Logger LOG = LoggerFactory.getLogger(BreakerPause.class);

    /** @param kameletUri the template's Kamelet endpoint, exactly as its route calls it (the same Kamelet instance) */
    public BreakerPause(CircuitBreaker circuitBreaker, String kameletUri) {
        super(circuitBreaker, probes -> probe(circuitBreaker, probes, kameletUri));
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        // a route policy is not started with its route: the host's CamelContext starts and stops it
        if (!isStarted() && !isStarting()) {
            try {
                route.getCamelContext().addService(this, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("Could not start the circuit breaker pause of route " + route.getRouteId(), e);
            }
        }
    }

    private static void probe(CircuitBreaker circuitBreaker, ProducerTemplate probes, String kameletUri) {
        try {
            // "session not found" is an answer: the breaker counts it as a success and closes
            circuitBreaker.executeCallable(() -> {
                Exchange result = probes.request(kameletUri, exchange -> exchange.getIn().setBody(PROBE_SESSION_KEY));
                if (result.getException() != null) {
                    throw result.getException();
                }
                return result;
            });
        } catch (Exception failed) {
            // a failed probe re-opens the breaker by itself
            LOG.debug("Circuit breaker probe failed: {}", failed.getClass().getSimpleName());
        }
    }
}
