package dev.sessionreporter.configuration;

import dev.sessionreporter.Settings;
import dev.sessionreporter.breaker.CircuitState;
import dev.sessionreporter.breaker.QueueConsumptionGate;
import dev.sessionreporter.breaker.SuperOfficeCircuitBreaker;
import dev.sessionreporter.failure.FailureClassifier;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * The circuit breaker in front of SuperOffice (reporter.circuit-breaker.*): the breaker the SOAP call route uses,
 * its state for the timer (no key goes on the queue while it is open), and the queue route's policy that pauses
 * consumption while it is open and probes SuperOffice when it turns half-open.
 */
public class BreakerConfiguration implements CamelConfiguration {
    private final FailureClassifier classifier;
    @PropertyInject("reporter.circuit-breaker.enabled")
    boolean enabled;
    @PropertyInject("reporter.circuit-breaker.failure-rate-threshold")
    float failureRateThreshold;
    @PropertyInject("reporter.circuit-breaker.minimum-number-of-calls")
    int minimumNumberOfCalls;
    @PropertyInject("reporter.circuit-breaker.sliding-window-size")
    int slidingWindowSize;
    private Duration waitInOpenState;
    private CircuitBreaker circuitBreaker;
    private QueueConsumptionGate queueConsumptionGate;

    /** @param classifier tells the failures that count against SuperOffice from those that do not */
    public BreakerConfiguration(FailureClassifier classifier) {
        this.classifier = classifier;
    }

    @PropertyInject("reporter.circuit-breaker.wait-in-open-state")
    public void waitInOpenState(String text) {
        waitInOpenState = Duration.ofMillis(Settings.millis("reporter.circuit-breaker.wait-in-open-state", text));
    }

    @BindToRegistry("sessionReporterSuperOfficeCircuitBreaker")
    public CircuitBreaker superOfficeCircuitBreaker() {
        if (circuitBreaker == null) {
            circuitBreaker = SuperOfficeCircuitBreaker.create(enabled, failureRateThreshold, minimumNumberOfCalls,
                    slidingWindowSize, waitInOpenState, classifier);
        }
        return circuitBreaker;
    }

    /** Whether the circuit breaker is open: the timer then puts no key on the queue (routes/timer-target.camel.yaml). */
    @BindToRegistry("sessionReporterSuperOfficeCircuitState")
    public CircuitState superOfficeCircuitState() {
        return new CircuitState(superOfficeCircuitBreaker());
    }

    /**
     * The queue route's policy (routes/triggers.camel.yaml): pauses the route while the circuit breaker is open and
     * probes SuperOffice through the SOAP call route when it turns half-open.
     */
    @BindToRegistry("sessionReporterQueueConsumptionGate")
    public QueueConsumptionGate queueConsumptionGate(CamelContext camelContext) {
        if (queueConsumptionGate == null) {
            queueConsumptionGate = new QueueConsumptionGate(camelContext, superOfficeCircuitBreaker(),
                    "direct:session-reporter-call");
        }
        return queueConsumptionGate;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        camelContext.addService(queueConsumptionGate(camelContext), true, false);
    }
}
