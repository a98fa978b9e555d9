package dev.sessionreporter.operate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.breaker.SuperOfficeCircuitBreaker;
import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.failure.FailureClassifier;
import dev.sessionreporter.input.SessionKeyInput;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReporterMetricsTest {

    @Test
    void circuitBreakerStateGaugeFollowsTheBreaker() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CircuitBreaker breaker = SuperOfficeCircuitBreaker.create(true, 50, 2, 2, Duration.ofSeconds(30), new FailureClassifier());
        new ReporterMetrics(registry).bind(new QueueDuplicates(new SessionKeyInput(), Duration.ofSeconds(60)),
                TicketCache.fixed("7T:x"), breaker);

        assertThat(state(registry, "closed")).isEqualTo(1);
        assertThat(state(registry, "open")).isZero();
        breaker.transitionToOpenState();
        assertThat(state(registry, "open")).isEqualTo(1);
        assertThat(state(registry, "closed")).isZero();
        breaker.transitionToHalfOpenState();
        assertThat(state(registry, "half_open")).isEqualTo(1);
    }

    private static double state(SimpleMeterRegistry registry, String state) {
        return registry.get(ReporterMetrics.CIRCUIT_BREAKER_STATE).tag("state", state).gauge().value();
    }
}
