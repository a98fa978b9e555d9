package dev.sessionreporter.operate;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;

/**
 * Whether this instance leads the timer: the timer route carries the leader policy (a {@link ClusteredRoutePolicy},
 * {@code routePolicy: timerLeaderPolicy} in its YAML), which runs the route only while the cluster service gives this
 * instance the leadership. Read from that policy, so asking never makes the instance take part in an election, and
 * whatever id the route has. A disabled timer has no route (its precondition), so it is never a candidate.
 */
public class TimerLeadership {
    private final CamelContext camelContext;
    private final ClusteredRoutePolicy leaderPolicy;

    public TimerLeadership(CamelContext camelContext, ClusteredRoutePolicy leaderPolicy) {
        this.camelContext = camelContext;
        this.leaderPolicy = leaderPolicy;
    }

    public boolean isLeader() {
        return isCandidate() && leaderPolicy.isLeader();
    }

    /** True when a route carries the leader policy: it then takes part in the election. */
    public boolean isCandidate() {
        return camelContext.getRoutes().stream().anyMatch(route -> route.getRoutePolicyList().contains(leaderPolicy));
    }
}
