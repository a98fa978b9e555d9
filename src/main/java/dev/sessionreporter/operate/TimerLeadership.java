package dev.sessionreporter.operate;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.master.MasterConsumer;

/**
 * Whether this instance leads the timer: the timer route consumes from {@code master:}, whose consumer runs the timer
 * only while the cluster service gives this instance the leadership. Read from that consumer, so asking never makes
 * the instance take part in an election (a disabled timer route is simply never the leader).
 */
public class TimerLeadership {
    private final CamelContext camelContext;
    private final String routeId;

    public TimerLeadership(CamelContext camelContext, String routeId) {
        this.camelContext = camelContext;
        this.routeId = routeId;
    }

    public boolean isLeader() {
        Route route = camelContext.getRoute(routeId);
        return route != null && route.getConsumer() instanceof MasterConsumer master && master.isMaster();
    }

    /** True when the timer route exists and has been started (it then takes part in the election). */
    public boolean isCandidate() {
        return camelContext.getRouteController().getRouteStatus(routeId) != null
                && camelContext.getRouteController().getRouteStatus(routeId).isStarted();
    }

    public String routeId() {
        return routeId;
    }
}
