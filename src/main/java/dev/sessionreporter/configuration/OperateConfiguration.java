package dev.sessionreporter.configuration;

import dev.sessionreporter.Settings;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.operate.CredentialsCheck;
import dev.sessionreporter.operate.CamelMeterScope;
import dev.sessionreporter.operate.ReportSummaryLog;
import dev.sessionreporter.operate.ReportedSession;
import dev.sessionreporter.operate.ReporterMetrics;
import dev.sessionreporter.operate.StartupBanner;
import dev.sessionreporter.operate.SuperOfficeCalls;
import dev.sessionreporter.operate.SuperOfficeReachableCheck;
import dev.sessionreporter.operate.TimerTicks;
import dev.sessionreporter.operate.TimerTicksCheck;
import dev.sessionreporter.soap.CallAttempts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * What an operator sees and controls (README "Operate"): the metrics, the readiness checks of SuperOffice, the
 * start-up banner, the result line of a reported key, the periodic summary log line (reporter.log.summary-interval)
 * and the graceful shutdown (reporter.shutdown.timeout).
 * It reads the other parts' state (duplicates, logins, circuit breaker, timer leadership, queue depths) to count it.
 */
public class OperateConfiguration implements CamelConfiguration {
    /** The name camel-micrometer-prometheus looks up and binds its registry under. */
    private static final String METRICS_REGISTRY = "metricsRegistry";

    private final Parts parts;
    @PropertyInject("reporter.health.unreachable-threshold")
    int unreachableThreshold;
    private long summaryIntervalMillis;
    private long shutdownTimeoutMillis;
    private Duration timerPeriod;
    private TimerTicks timerTicks;
    private MeterRegistry meterRegistry;
    private ReporterMetrics reporterMetrics;
    private SuperOfficeCalls superOfficeCalls;

    /** The other parts whose state is counted, and the one ticket cache of the SOAP client. */
    public record Parts(TriggersConfiguration triggers, FailureHandlingConfiguration failureHandling,
            BreakerConfiguration breaker, ClusterConfiguration cluster, BrokerConfiguration broker,
            Function<CamelContext, TicketCache> tickets) {
    }

    public OperateConfiguration(Parts parts) {
        this.parts = parts;
    }

    @PropertyInject("reporter.log.summary-interval")
    public void summaryInterval(String text) {
        summaryIntervalMillis = Settings.nonNegativeMillis("reporter.log.summary-interval", text);
    }

    @PropertyInject("reporter.timer.period")
    public void timerPeriod(String text) {
        timerPeriod = Duration.ofMillis(Settings.millis("reporter.timer.period", text));
    }

    @PropertyInject("reporter.shutdown.timeout")
    public void shutdownTimeout(String text) {
        shutdownTimeoutMillis = Settings.millis("reporter.shutdown.timeout", text);
    }

    /** Reports by outcome and reason, redeliveries, duplicates, logins, circuit breaker state. */
    @BindToRegistry("sessionReporterMetrics")
    public ReporterMetrics reporterMetrics(CamelContext camelContext) {
        if (reporterMetrics == null) {
            reporterMetrics = new ReporterMetrics(meterRegistry(camelContext))
                    .bind(parts.triggers().queueDuplicates(), parts.tickets().apply(camelContext),
                            parts.breaker().superOfficeCircuitBreaker())
                    .bind(parts.cluster().timerLeadership(camelContext));
            // an external broker is watched where it runs (its own metrics); ours we can ask directly
            parts.broker().embeddedBroker().ifPresent(broker -> parts.triggers().queueNames()
                    .forEach(queue -> reporterMetrics.bindQueueDepth(queue, broker::messageCount)));
        }
        return reporterMetrics;
    }

    /** Each timer tick's duration and keys: metrics, and a WARN when a tick takes longer than the period. */
    @BindToRegistry("sessionReporterTimerTicks")
    public TimerTicks timerTicks(CamelContext camelContext) {
        if (timerTicks == null) {
            timerTicks = new TimerTicks(meterRegistry(camelContext), timerPeriod);
        }
        return timerTicks;
    }

    /** Readiness details: the last timer tick, and whether it fell behind the period (always UP). */
    @BindToRegistry("sessionReporterTimerTicksCheck")
    public TimerTicksCheck timerTicksCheck(CamelContext camelContext) {
        return new TimerTicksCheck(timerTicks(camelContext));
    }

    /** The result line and headers of a reported key, for reporter.result.uri. */
    @BindToRegistry("sessionReporterReportedSession")
    public ReportedSession reportedSession() {
        return new ReportedSession();
    }

    @BindToRegistry("sessionReporterCallAttempts")
    public CallAttempts callAttempts(CamelContext camelContext) {
        ReporterMetrics metrics = reporterMetrics(camelContext);
        return new CallAttempts(metrics::redelivered);
    }

    /** Readiness: DOWN after reporter.health.unreachable-threshold SOAP calls in a row could not reach SuperOffice. */
    @BindToRegistry("sessionReporterSuperOfficeReachableCheck")
    public SuperOfficeReachableCheck superOfficeReachableCheck(CamelContext camelContext) {
        return new SuperOfficeReachableCheck(superOfficeCalls(camelContext), unreachableThreshold);
    }

    /** Readiness: DOWN while logging in to SuperOffice fails. */
    @BindToRegistry("sessionReporterSuperOfficeCredentialsCheck")
    public CredentialsCheck superOfficeCredentialsCheck(CamelContext camelContext) {
        return new CredentialsCheck(parts.tickets().apply(camelContext));
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (summaryIntervalMillis > 0) {
            camelContext.addService(new ReportSummaryLog(camelContext, meterRegistry(camelContext),
                    Duration.ofMillis(summaryIntervalMillis), parts.cluster().timerLeadership(camelContext)::isLeader),
                    true, false);
        }
        camelContext.addStartupListener(new StartupBanner());
        configureShutdown(camelContext);
        camelContext.getManagementStrategy().addEventNotifier(superOfficeCalls(camelContext));
        CamelMeterScope.narrow(camelContext);
    }

    /**
     * The one Micrometer registry, named metricsRegistry: the one camel-micrometer-prometheus (camel.metrics.enabled)
     * created, or one bound here for it to find, whichever comes first. It is served at /observe/metrics.
     */
    private MeterRegistry meterRegistry(CamelContext camelContext) {
        if (meterRegistry == null) {
            meterRegistry = camelContext.getRegistry().lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
            if (meterRegistry == null) {
                meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                camelContext.getRegistry().bind(METRICS_REGISTRY, meterRegistry);
            }
        }
        return meterRegistry;
    }

    private SuperOfficeCalls superOfficeCalls(CamelContext camelContext) {
        if (superOfficeCalls == null) {
            superOfficeCalls = new SuperOfficeCalls(parts.failureHandling().classifier(), reporterMetrics(camelContext));
        }
        return superOfficeCalls;
    }

    /**
     * reporter.shutdown.timeout is Camel's graceful shutdown timeout (the one source of truth; it replaces
     * camel.main.shutdown-timeout). On a stop the queue consumer is suspended at once (it takes no new message),
     * in-flight exchanges get this long to finish, then the rest is forced to stop: their transactions roll back and
     * the messages stay on the queue.
     * <p>
     * Whole seconds (rounded up), Camel's own unit: the shutdown strategy's time unit stays SECONDS, so code that sets
     * a timeout in seconds later (camel-test does) still means seconds.
     */
    private void configureShutdown(CamelContext camelContext) {
        camelContext.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        camelContext.getShutdownStrategy().setTimeout(TimeUnit.MILLISECONDS.toSeconds(shutdownTimeoutMillis + 999));
        camelContext.getShutdownStrategy().setShutdownNowOnTimeout(true);
    }
}
