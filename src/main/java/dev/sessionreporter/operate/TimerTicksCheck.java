package dev.sessionreporter.operate;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Shows the last timer tick (details {@code timer.last-tick.*}) and whether it took longer than the period
 * ({@code timer.behind}). Always UP: a tick that falls behind still reports every key, only less often; the WARN line
 * and the metric sessionreporter_timer_tick_overrun_seconds say so.
 */
public class TimerTicksCheck extends ReadinessCheck {
    private final TimerTicks ticks;

    public TimerTicksCheck(TimerTicks ticks) {
        super("timer-ticks");
        this.ticks = ticks;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ticks.lastTick().ifPresentOrElse(tick -> {
            boolean behind = !tick.overrun().isZero();
            builder.detail("timer.last-tick.ended", tick.ended().toString());
            builder.detail("timer.last-tick.millis", tick.took().toMillis());
            builder.detail("timer.last-tick.keys", tick.keys());
            builder.detail("timer.behind", behind);
            builder.detail("timer.behind.millis", tick.overrun().toMillis());
            builder.message(behind ? "The last timer tick took longer than reporter.timer.period"
                    : "The last timer tick fit in reporter.timer.period");
        }, () -> builder.detail("timer.behind", false).message("No timer tick on this instance yet"));
        builder.up();
    }
}
