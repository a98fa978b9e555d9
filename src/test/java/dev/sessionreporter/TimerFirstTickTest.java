package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.operate.TimerLeadership;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;

/**
 * The first tick comes after {@code reporter.timer.initial-delay} (0 here), not a period later, also when this instance
 * becomes the timer leader while Camel is still starting its routes. The period is an hour: a lost first tick would
 * only come after it. To make the leadership come during start-up every time, Camel's start is held right after the
 * routes have started until this instance leads (at most a minute): the timer's route policy must then start the
 * route once Camel has started (with Camel's {@code master:} endpoint and {@code timer:}, that case never ticked).
 */
class TimerFirstTickTest extends ReporterTestSupport {
    private static final String KEY = TestSecrets.sessionKey("tck1");

    private final CountDownLatch ledWhileStarting = new CountDownLatch(1);

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(KEY, 301);
        Properties properties = new Properties();
        // the first tick is the subject: one key, and no second tick within the test
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "1h");
        properties.setProperty("reporter.timer.initial-delay", "0");
        properties.setProperty("reporter.timer.session-keys", KEY);
        // timer calls only
        properties.setProperty("reporter.queue.enabled", "false");
        return properties;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camelContext = super.createCamelContext();
        camelContext.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.CamelContextRoutesStartedEvent) {
                    // hold the context in "starting" until this instance leads the timer (or a minute has passed)
                    TimerLeadership leadership = new TimerLeadership(camelContext,
                camelContext.getRegistry().lookupByNameAndType("sessionReporterTimerLeaderPolicy", org.apache.camel.impl.cluster.ClusteredRoutePolicy.class));
                    long giveUpAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                    while (!leadership.isLeader() && System.nanoTime() < giveUpAt) {
                        Thread.sleep(20);
                    }
                    if (leadership.isLeader() && camelContext.getStatus().isStarting()) {
                        ledWhileStarting.countDown();
                    }
                }
            }
        });
        return camelContext;
    }

    @Test
    void firstTickComesAtOnceAlsoWhenLeadershipIsTakenWhileCamelIsStarting() {
        assertThat(ledWhileStarting.getCount() == 0)
                .as("this instance took the leadership while Camel was still starting").isTrue();
        // counted by the reporter itself: the shared simulator's request list is cleared before each test, which may
        // come after this early tick
        MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        await().atMost(Duration.ofMinutes(1)).until(() -> metrics.find(ReporterMetrics.REPORTS)
                .tag("outcome", "reported").counters().stream().mapToDouble(Counter::count).sum() >= 1);
    }
}
