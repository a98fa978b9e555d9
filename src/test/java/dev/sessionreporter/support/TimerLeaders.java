package dev.sessionreporter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.jar.JarProcess;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The timer's leadership among jar instances (their {@code sessionreporter_timer_leader} gauge) and its effect at the
 * SuperOffice simulator: each timer key reported once per period, not once per instance.
 */
public final class TimerLeaders {
    private final Map<JarProcess, ManagementClient> instances;
    private final CustomerServiceSimulator simulator;
    private final List<String> timerKeys;
    private final Duration period;

    /** {@code instances} is read live: remove a killed instance from it. */
    public TimerLeaders(Map<JarProcess, ManagementClient> instances, CustomerServiceSimulator simulator,
            List<String> timerKeys, Duration period) {
        this.instances = instances;
        this.simulator = simulator;
        this.timerKeys = timerKeys;
        this.period = period;
    }

    public boolean allReady() {
        return instances.values().stream().allMatch(TimerLeaders::ready);
    }

    private static boolean ready(ManagementClient management) {
        try {
            return management.readiness() == 200;
        } catch (RuntimeException notYetListening) {
            return false;
        }
    }

    /** The instances whose leader gauge is 1. */
    public List<JarProcess> current() {
        List<JarProcess> leaders = new ArrayList<>();
        instances.forEach((jar, management) -> {
            if (management.metric("sessionreporter_timer_leader") == 1) {
                leaders.add(jar);
            }
        });
        return leaders;
    }

    /**
     * Kills the leader (SIGKILL), drops it from the instances and waits until another instance leads, within
     * {@code bound} plus {@code slack} (scheduling on a loaded machine, not the design), and its timer reports.
     */
    public void killLeaderAndAwaitTakeover(Duration bound, Duration slack) throws InterruptedException {
        JarProcess leader = current().get(0);
        int reportsBefore = simulator.acceptedReportCount(timerKeys.get(0));
        long killedAt = System.nanoTime();
        leader.kill();
        assertThat(leader.waitForExit(Duration.ofSeconds(10))).isTrue();
        instances.remove(leader);

        await("another instance leads the timer").atMost(bound.plus(slack)).pollInterval(Duration.ofMillis(200))
                .until(() -> current().size() == 1);
        System.out.printf("timer taken over %d ms after the kill (bound %d ms)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt), bound.toMillis());
        await("the new leader's timer reports").atMost(period.plus(slack))
                .until(() -> simulator.acceptedReportCount(timerKeys.get(0)) > reportsBefore + 1);
    }

    /**
     * Watches the timer keys for {@code window}: each is reported at least twice and no more often than there were
     * ticks (window / period, plus one for a report of the tick before the window arriving late). Two leaders would
     * report about twice as often. Meanwhile never more than one instance says it leads.
     */
    public void assertTimerKeysReportedOncePerPeriod(Duration window) throws InterruptedException {
        Map<String, Integer> before = new LinkedHashMap<>();
        timerKeys.forEach(key -> before.put(key, simulator.acceptedReportCount(key)));
        long start = System.nanoTime();
        while (System.nanoTime() - start < window.toNanos()) {
            assertThat(current()).as("timer leaders").hasSizeLessThanOrEqualTo(1);
            Thread.sleep(300);
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long ticks = elapsedMillis / period.toMillis() + 1;
        for (String key : timerKeys) {
            int reports = simulator.acceptedReportCount(key) - before.get(key);
            assertThat(reports).as("reports of timer key %s… in %d ms (period %d ms)", key.substring(0, 4),
                    elapsedMillis, period.toMillis()).isBetween(2, (int) ticks);
        }
    }
}
