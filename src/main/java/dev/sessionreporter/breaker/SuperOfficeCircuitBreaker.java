package dev.sessionreporter.breaker;

import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.failure.FailureReason;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;

/**
 * The one resilience4j circuit breaker around the SOAP call (routes/report-session.camel.yaml, circuitBreaker EIP).
 * Only transient failures — SuperOffice unreachable, timing out or answering 408/429/502/503/504 — count against it: an
 * answer such as "session not found" or a SOAP fault shows the server is up. A permanent failure without an answer (a
 * certificate TLS does not accept, a protocol error) says nothing about the server's health and counts neither way.
 */
public final class SuperOfficeCircuitBreaker {
    public static final String NAME = "superoffice";

    private SuperOfficeCircuitBreaker() {
    }

    public static CircuitBreaker create(boolean enabled, float failureRateThreshold, int minimumNumberOfCalls,
            int slidingWindowSize, Duration waitInOpenState, FailureClassifier classifier) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold)
                .minimumNumberOfCalls(minimumNumberOfCalls)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(slidingWindowSize, minimumNumberOfCalls))
                .waitDurationInOpenState(waitInOpenState)
                // OPEN -> HALF_OPEN by itself: while open the queue consumer is paused, so no call would trigger it
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(1)
                // a rejected ticket is the server's answer, though trying again (with a new ticket) may succeed
                .recordException(failure -> classifier.classify(failure).transientFailure()
                        && Causes.find(failure, CredentialsRejectedException.class) == null)
                .ignoreException(failure -> isPermanentWithoutAnswer(classifier.classify(failure)))
                .build();
        CircuitBreaker circuitBreaker = CircuitBreaker.of(NAME, config);
        if (!enabled) {
            circuitBreaker.transitionToDisabledState();
        }
        return circuitBreaker;
    }

    private static boolean isPermanentWithoutAnswer(FailureClassifier.Classification classification) {
        return !classification.transientFailure() && (classification.reason() == FailureReason.UNREACHABLE
                || classification.reason() == FailureReason.UNEXPECTED_ERROR);
    }
}
