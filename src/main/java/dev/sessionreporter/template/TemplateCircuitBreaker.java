package dev.sessionreporter.template;

import dev.sessionreporter.breaker.SuperOfficeCircuitBreaker;
import dev.sessionreporter.failure.FailureClassifier;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;

/** A template's own circuit breaker: the standalone reporter's, with the template's settings. */
public final class TemplateCircuitBreaker {
    private TemplateCircuitBreaker() {
    }

    public static CircuitBreaker create(boolean enabled, int failureRatePercent, int minimumCalls, int window,
            Duration openDuration) {
        return SuperOfficeCircuitBreaker.create(enabled, failureRatePercent, minimumCalls, window, openDuration,
                new FailureClassifier());
    }
}
