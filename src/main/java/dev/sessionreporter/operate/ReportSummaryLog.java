package dev.sessionreporter.operate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code reporter.log.summary-interval} one INFO line on {@code dev.sessionreporter.summary} with what happened
 * since the last one: reports by outcome and reason, suppressed duplicates, timer keys skipped, dead-letter failures,
 * redeliveries, and whether this instance leads the timer. The numbers are the deltas of the reporter's own counters
 * ({@link ReporterMetrics}), so the line and {@code /observe/metrics} always agree.
 */
public class ReportSummaryLog extends ServiceSupport {
    static final String LOGGER = "dev.sessionreporter.summary";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final CamelContext camelContext;
    private final MeterRegistry registry;
    private final Duration interval;
    private final BooleanSupplier leader;
    private final Map<String, Double> previous = new HashMap<>();
    private ScheduledExecutorService executor;

    public ReportSummaryLog(CamelContext camelContext, MeterRegistry registry, Duration interval, BooleanSupplier leader) {
        this.camelContext = camelContext;
        this.registry = registry;
        this.interval = interval;
        this.leader = leader;
    }

    @Override
    protected void doStart() {
        executor = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "ReportSummary");
        executor.scheduleAtFixedRate(this::logSummary, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
    }

    void logSummary() {
        try {
            LOG.info(summary());
        } catch (RuntimeException e) {
            LOG.warn("Could not build the report summary: {}", e.toString());
        }
    }

    /** The line for the counts since the previous call. */
    synchronized String summary() {
        Map<String, Long> reports = new TreeMap<>();
        for (Meter meter : registry.find(ReporterMetrics.REPORTS).meters()) {
            String outcome = meter.getId().getTag("outcome");
            String reason = meter.getId().getTag("reason");
            String name = "none".equals(reason) ? outcome : outcome + "/" + reason;
            reports.merge(name, delta(meter), Long::sum);
        }
        long total = reports.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder line = new StringBuilder("Last ").append(describe(interval)).append(": ").append(total)
                .append(" keys ended");
        reports.forEach((name, count) -> {
            if (count > 0) {
                line.append(", ").append(name).append('=').append(count);
            }
        });
        line.append("; duplicates suppressed=").append(delta(ReporterMetrics.SUPPRESSED_DUPLICATES))
                .append(", timer keys skipped (circuit open)=").append(delta(ReporterMetrics.TIMER_KEYS_SKIPPED))
                .append(", redeliveries=").append(delta(ReporterMetrics.REDELIVERIES))
                .append(", dead-letter failures=").append(delta(ReporterMetrics.DEAD_LETTER_FAILURES))
                .append("; timer leader=").append(leader.getAsBoolean() ? "this instance" : "no");
        return line.toString();
    }

    private long delta(String meterName) {
        long sum = 0;
        for (Meter meter : registry.find(meterName).meters()) {
            sum += delta(meter);
        }
        return sum;
    }

    private long delta(Meter meter) {
        double now = meter instanceof Counter counter ? counter.count()
                : meter instanceof FunctionCounter counter ? counter.count() : 0;
        Double before = previous.put(meter.getId().toString(), now);
        return Math.round(now - (before == null ? 0 : before));
    }

    private static String describe(Duration interval) {
        return interval.toSeconds() % 60 == 0 ? interval.toMinutes() + " min" : interval.toMillis() / 1000.0 + " s";
    }
}
