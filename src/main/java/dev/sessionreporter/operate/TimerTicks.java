package dev.sessionreporter.operate;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each timer tick took and how many keys it had (routes/triggers.camel.yaml, once the tick's keys are read).
 * The period runs from the end of one tick to the start of the next, so a tick longer than the period means each key
 * is reported less often than the period says: that is logged as a WARN and shown in the metrics and the health
 * details, instead of passing silently.
 */
public class TimerTicks {
    public static final String TICK_DURATION = "sessionreporter.timer.tick.duration";
    public static final String TICK_KEYS = "sessionreporter.timer.tick.keys";
    public static final String TICK_OVERRUN = "sessionreporter.timer.tick.overrun";
    private static final Logger LOG = LoggerFactory.getLogger("dev.sessionreporter.timer");

    /** The last tick that ended: when, how long it took, how many keys it had. */
    public record Tick(Instant ended, Duration took, int keys, Duration period) {
        /** How much longer than the period the tick took; zero when it fit. */
        public Duration overrun() {
            Duration over = took.minus(period);
            return over.isNegative() ? Duration.ZERO : over;
        }
    }

    private final Duration period;
    private final LongSupplier nanoTime;
    private final Timer duration;
    private final DistributionSummary keys;
    private final AtomicReference<Tick> last = new AtomicReference<>();

    public TimerTicks(MeterRegistry registry, Duration period) {
        this(registry, period, System::nanoTime);
    }

    TimerTicks(MeterRegistry registry, Duration period, LongSupplier nanoTime) {
        this.period = period;
        this.nanoTime = nanoTime;
        this.duration = Timer.builder(TICK_DURATION)
                .description("Timer ticks, from reading the keys to the last key's end")
                .register(registry);
        this.keys = DistributionSummary.builder(TICK_KEYS).description("Session keys per timer tick").register(registry);
        Gauge.builder(TICK_OVERRUN, this, ticks -> ticks.lastTick().map(tick -> tick.overrun().toMillis() / 1000.0)
                .orElse(0.0))
                .description("Seconds the last timer tick took beyond reporter.timer.period (0: it fit)")
                .baseUnit("seconds")
                .register(registry);
    }

    /** A tick has read its keys (the body): it is measured until its exchange completes, whether it failed or not. */
    public void started(Exchange exchange) {
        int count = exchange.getIn().getBody(Collection.class).size();
        long start = nanoTime.getAsLong();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                ended(Duration.ofNanos(nanoTime.getAsLong() - start), count);
            }
        });
    }

    void ended(Duration took, int count) {
        Tick tick = new Tick(Instant.now(), took, count, period);
        last.set(tick);
        duration.record(took);
        keys.record(count);
        if (!tick.overrun().isZero()) {
            LOG.warn("Timer tick took {} s for {} keys, {} s longer than reporter.timer.period ({} s): each key is"
                    + " reported every {} s instead of every {} s. Raise reporter.timer.concurrency and"
                    + " superoffice.max-calls-in-flight, or the period (docs/operations.md, Sizing against the tenant)",
                    seconds(took), count, seconds(tick.overrun()), seconds(period), seconds(took.plus(period)),
                    seconds(period));
        }
    }

    public Optional<Tick> lastTick() {
        return Optional.ofNullable(last.get());
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }
}
