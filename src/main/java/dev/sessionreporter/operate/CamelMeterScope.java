package dev.sessionreporter.operate;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Camel's per-route meters ({@code camel_exchanges_*}, {@code camel_route_policy_*}) only for the routes a message
 * enters and leaves by: the triggers and the dead-letter route. The inner routes every key passes through
 * ({@link #ROUTES}) are left out: each would time and count every key once more (a timer sample, exchange properties
 * and counters per route), which {@code sessionreporter_reports_total} and {@code sessionreporter_soap_calls_seconds}
 * already do once.
 * <p>
 * Camel Main's metrics set-up has no setting for this: the route policy factory it registers gets a configuration
 * of its own here (a new object: the one it starts with is a JVM-wide shared default, left as it is). Its route event
 * notifier ({@code camel_routes_*}) counts routes only; told so, Camel no longer asks it about every exchange event.
 */
public final class CamelMeterScope {
    /** Route ids (Camel's comma-separated patterns) without Camel's route meters. */
    public static final String ROUTES = "session-reporter-timer-key,session-reporter-report,session-reporter-call";

    private CamelMeterScope() {
    }

    /** Before the routes are made: a route policy takes the factory's configuration when it is created. */
    public static void narrow(CamelContext camelContext) {
        for (RoutePolicyFactory factory : camelContext.getRoutePolicyFactories()) {
            if (factory instanceof MicrometerRoutePolicyFactory micrometer) {
                micrometer.setPolicyConfiguration(withoutInnerRoutes(micrometer.getPolicyConfiguration()));
            }
        }
        for (EventNotifier notifier : camelContext.getManagementStrategy().getEventNotifiers()) {
            if (notifier instanceof MicrometerRouteEventNotifier routes) {
                routes.setIgnoreExchangeEvents(true);
                routes.setIgnoreStepEvents(true);
            }
        }
    }

    private static MicrometerRoutePolicyConfiguration withoutInnerRoutes(MicrometerRoutePolicyConfiguration shared) {
        MicrometerRoutePolicyConfiguration own = new MicrometerRoutePolicyConfiguration();
        own.setContextEnabled(shared.isContextEnabled());
        own.setRouteEnabled(shared.isRouteEnabled());
        own.setAdditionalCounters(shared.isAdditionalCounters());
        own.setExchangesSucceeded(shared.isExchangesSucceeded());
        own.setExchangesFailed(shared.isExchangesFailed());
        own.setExchangesTotal(shared.isExchangesTotal());
        own.setExternalRedeliveries(shared.isExternalRedeliveries());
        own.setFailuresHandled(shared.isFailuresHandled());
        own.setLongTask(shared.isLongTask());
        own.setTimerInitiator(shared.getTimerInitiator());
        own.setLongTaskInitiator(shared.getLongTaskInitiator());
        String excluded = shared.getExcludePattern();
        own.setExcludePattern(excluded == null || excluded.isBlank() ? ROUTES : excluded + "," + ROUTES);
        return own;
    }
}
