package dev.sessionreporter.operate;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: DOWN after {@code reporter.health.unreachable-threshold} SOAP calls in a row ended UNREACHABLE, UP again
 * with the first call that reaches the server (a report or the circuit breaker's probe). Not a liveness check: a
 * restart does not bring SuperOffice back.
 */
public class SuperOfficeReachableCheck extends ReadinessCheck {
    private final SuperOfficeCalls calls;
    private final int threshold;

    public SuperOfficeReachableCheck(SuperOfficeCalls calls, int threshold) {
        super("superoffice-reachable");
        this.calls = calls;
        this.threshold = Math.max(1, threshold);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int unreachable = calls.consecutiveUnreachable();
        builder.detail("consecutive.unreachable", unreachable);
        builder.detail("unreachable.threshold", threshold);
        builder.detail("last.outcome", calls.lastOutcome());
        if (unreachable >= threshold) {
            builder.message("SuperOffice unreachable: the last " + unreachable + " calls could not connect").down();
        } else {
            builder.up();
        }
    }
}
