package dev.sessionreporter.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Whether the circuit breaker around the SOAP call is open (or forced open): SuperOffice keeps failing, no call is made.
 * Asking does not take a call permission (unlike {@code tryAcquirePermission}), so a half-open probe is never used up.
 */
public class CircuitState {
    private final CircuitBreaker circuitBreaker;

    public CircuitState(CircuitBreaker circuitBreaker) {
        this.circuitBreaker = circuitBreaker;
    }

    public boolean isOpen() {
        CircuitBreaker.State state = circuitBreaker.getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }
}
