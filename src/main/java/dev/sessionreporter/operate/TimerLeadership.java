package dev.sessionreporter.operate;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;

/**
 * Whether this instance leads the timer: the timer route carries a {@link ClusteredRoutePolicy}, which runs the route
 * only while the cluster service gives this instance the leadership. Read from that policy, so asking never makes the
 * instance take part in an election. A disabled timer has no route (its precondition), so it is never a candidate.
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
        return route != null && route.getRoutePolicyList().stream()
                .anyMatch(policy -> policy instanceof ClusteredRoutePolicy clustered && clustered.isLeader());
    }

    /** True when the timer route exists: it then takes part in the election. */
    public boolean isCandidate() {
        return camelContext.getRoute(routeId) != null;
    }

    public String routeId() {
        return routeId;
    }
}
