package dev.sessionreporter.operate;

import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.duplicate.QueueDuplicates;
import dev.sessionreporter.failure.ReporterHeaders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * The reporter's own metrics, in the one Micrometer registry that Camel exposes in Prometheus format at
 * {@code /observe/metrics}. Counted in the routes and beans (never from exchange events: the circuit breaker EIP works
 * on a copy of the exchange, so event-based counts would double). Tags never carry a session key, ticket or token.
 */
public class ReporterMetrics {
    public static final String REPORTS = "sessionreporter.reports";
    public static final String SOAP_CALLS = "sessionreporter.soap.calls";
    public static final String REDELIVERIES = "sessionreporter.redeliveries";
    public static final String DEAD_LETTER_FAILURES = "sessionreporter.dead.letter.failures";
    public static final String SUPPRESSED_DUPLICATES = "sessionreporter.duplicates.suppressed";
    public static final String LOGINS = "sessionreporter.logins";
    public static final String CIRCUIT_BREAKER_STATE = "sessionreporter.circuit.breaker.state";
    public static final String TIMER_KEYS_SKIPPED = "sessionreporter.timer.keys.skipped";
    public static final String TIMER_LEADER = "sessionreporter.timer.leader";
    public static final String QUEUE_DEPTH = "sessionreporter.queue.depth";

    /** Histogram buckets of the SOAP call latency (Prometheus {@code le}); the receive timeout ends the longest. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Counter redeliveries;
    private final Counter deadLetterFailures;
    private final Counter timerKeysSkipped;
    // Meters by tag value, registered on first use: looking a meter up in the registry on every call (builder, tags,
    // id, hashing) cost more CPU than the call's own XML work.
    private final Map<String, Timer> soapCallsByOutcome = new ConcurrentHashMap<>();
    private final Map<String, Counter> reportsByOutcomeAndReason = new ConcurrentHashMap<>();

    public ReporterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.redeliveries = Counter.builder(REDELIVERIES)
                .description("SOAP calls repeated for a key (retries of transient failures, one retry after a ticket renewal)")
                .register(registry);
        this.deadLetterFailures = Counter.builder(DEAD_LETTER_FAILURES)
                .description("Failed keys the dead-letter endpoint did not accept (rolled back / reported again)")
                .register(registry);
        this.timerKeysSkipped = Counter.builder(TIMER_KEYS_SKIPPED)
                .description("Timer keys not reported because the circuit breaker was open (the next tick reports them)")
                .register(registry);
    }

    /** 1 while this instance leads the timer (runs it), 0 otherwise. */
    public ReporterMetrics bind(TimerLeadership leadership) {
        Gauge.builder(TIMER_LEADER, leadership, timer -> timer.isLeader() ? 1 : 0)
                .description("1 while this instance is the timer leader (runs the timer), 0 otherwise")
                .register(registry);
        return this;
    }

    /** Messages waiting on the queue {@code queue}, as counted by {@code depth} (the embedded broker), read when scraped. */
    public ReporterMetrics bindQueueDepth(String queue, ToDoubleFunction<String> depth) {
        Gauge.builder(QUEUE_DEPTH, () -> depth.applyAsDouble(queue)).tag("queue", queue)
                .description("Messages waiting on the embedded broker's queue (input and dead-letter queue)")
                .register(registry);
        return this;
    }

    /** Suppressed queue duplicates, ticket logins and the circuit breaker state, read when scraped. */
    public ReporterMetrics bind(QueueDuplicates duplicates, TicketCache tickets, CircuitBreaker circuitBreaker) {
        FunctionCounter.builder(SUPPRESSED_DUPLICATES, duplicates, QueueDuplicates::getSuppressedCount)
                .description("Queue messages acknowledged without a report: the key arrived again within reporter.duplicates.window")
                .register(registry);
        FunctionCounter.builder(LOGINS, tickets, TicketCache::getLoginCount).tag("outcome", "succeeded")
                .description("Tickets obtained (first use, renewal before the maximum age, renewal after a rejection)")
                .register(registry);
        FunctionCounter.builder(LOGINS, tickets, TicketCache::getFailedLoginCount).tag("outcome", "failed")
                .description("Login attempts that failed").register(registry);
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder(CIRCUIT_BREAKER_STATE, circuitBreaker, breaker -> breaker.getState() == state ? 1 : 0)
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("1 for the circuit breaker's current state, 0 for the others")
                    .register(registry);
        }
        return this;
    }

    /** A key reported active (report-session route, after the result endpoint took it). */
    public void reported(Exchange exchange) {
        report("reported", "none");
    }

    /** A key the dead-letter endpoint accepted, by reason (dead-letter route). */
    public void deadLettered(Exchange exchange) {
        String reason = exchange.getIn().getHeader(ReporterHeaders.FAILURE_REASON, "UNEXPECTED_ERROR", String.class);
        report("dead_lettered", reason);
    }

    /** The dead-letter endpoint refused a failed key (dead-letter route). */
    public void deadLetterFailed(Exchange exchange) {
        deadLetterFailures.increment();
    }

    /** A timer key not reported because the circuit breaker is open (error handler of the timer route). */
    public void timerKeySkipped(Exchange exchange) {
        timerKeysSkipped.increment();
    }

    /** A SOAP call for a key that was already called once. */
    public void redelivered() {
        redeliveries.increment();
    }

    /** One SOAP call (one attempt) and how it ended: {@code answered} or the failure reason. */
    public void soapCall(String outcome, Duration took) {
        soapCallsByOutcome.computeIfAbsent(outcome, o -> Timer.builder(SOAP_CALLS).tag("outcome", o)
                .description("ReportSessionActive calls, one per attempt, by outcome (answered or the failure reason)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)).record(took);
    }

    private void report(String outcome, String reason) {
        reportsByOutcomeAndReason.computeIfAbsent(outcome + "/" + reason, key -> Counter.builder(REPORTS)
                .tag("outcome", outcome).tag("reason", reason.toLowerCase(Locale.ROOT))
                .description("Session keys that ended, by outcome (reported, dead_lettered) and failure reason")
                .register(registry)).increment();
    }
}
