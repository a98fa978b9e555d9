package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The tick's report threads (thread pool profile {@code session-reporter-timer-reports}) stay between ticks. Their keep-alive (60 s by
 * default) is as long as the pause between two ticks (the period runs from the end of one tick), so with Camel's
 * default — core threads may time out — every tick created its threads anew. Here the keep-alive is 1 s and the ticks
 * 2 s apart: with time-outs allowed, every tick would report on new threads.
 */
class TimerThreadsTest extends ReporterTestSupport {
    private static final int CONCURRENCY = 2;
    private static final int TICKS = 4;

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        String keys = "";
        for (int i = 0; i < CONCURRENCY; i++) {
            String key = TestSecrets.sessionKey("thr" + i);
            SIMULATOR.addSession(key, 400 + i);
            keys += (i == 0 ? "" : ",") + key;
        }
        // the timer's threads are the subject: a tick every 2 s with as many keys as threads
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "2s");
        properties.setProperty("reporter.timer.session-keys", keys);
        properties.setProperty("reporter.timer.concurrency", Integer.toString(CONCURRENCY));
        // a 1 s keep-alive shorter than the period: the threads must stay anyway (allow-core-thread-time-out=false)
        properties.setProperty("camel.threadpool.config[session-reporter-timer-reports].keep-alive-time", "1");
        // timer calls only, their results on a mock endpoint that records the threads
        properties.setProperty("reporter.queue.enabled", "false");
        properties.setProperty("reporter.result.uri", "mock:result");
        return properties;
    }

    @Test
    void reportsEveryTickOnTheSameThreads() {
        Set<String> reportingThreads = ConcurrentHashMap.newKeySet();
        AtomicInteger reports = new AtomicInteger();
        MockEndpoint result = getMockEndpoint("mock:result");
        result.whenAnyExchangeReceived(exchange -> {
            reportingThreads.add(Thread.currentThread().getName());
            reports.incrementAndGet();
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> reports.get() >= TICKS * CONCURRENCY);
        assertThat(reportingThreads).as("threads that reported %d ticks", TICKS).hasSizeLessThanOrEqualTo(CONCURRENCY);
    }
}
