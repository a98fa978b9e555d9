package dev.sessionreporter.operate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The periodic summary line counts what happened since the previous line, by outcome and reason. */
class ReportSummaryLogTest {
    private final CamelContext camel = new DefaultCamelContext();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ReporterMetrics metrics = new ReporterMetrics(registry);
    private final ReportSummaryLog summary = new ReportSummaryLog(camel, registry, Duration.ofMinutes(1), () -> true);

    @Test
    void countsOutcomesAndReasonsSinceTheLastLine() {
        for (int i = 0; i < 3; i++) {
            metrics.reported(exchange(null));
        }
        metrics.deadLettered(exchange("SESSION_NOT_FOUND"));
        metrics.deadLettered(exchange("SESSION_NOT_FOUND"));
        metrics.deadLettered(exchange("UNREACHABLE"));
        metrics.timerKeySkipped(exchange(null));
        metrics.deadLetterFailed(exchange(null));

        assertThat(summary.summary()).startsWith("Last 1 min: 6 keys ended")
                .contains("reported=3", "dead_lettered/session_not_found=2", "dead_lettered/unreachable=1",
                        "timer keys skipped (circuit open)=1", "dead-letter failures=1", "timer leader=this instance");

        metrics.reported(exchange(null));
        assertThat(summary.summary()).as("only what happened since the previous line")
                .startsWith("Last 1 min: 1 keys ended, reported=1;")
                .contains("timer keys skipped (circuit open)=0", "dead-letter failures=0");
        assertThat(summary.summary()).startsWith("Last 1 min: 0 keys ended;");
    }

    private Exchange exchange(String reason) {
        Exchange exchange = new DefaultExchange(camel);
        if (reason != null) {
            exchange.getIn().setHeader(ReporterHeaders.FAILURE_REASON, reason);
        }
        return exchange;
    }
}
