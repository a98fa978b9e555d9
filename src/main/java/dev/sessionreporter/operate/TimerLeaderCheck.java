package dev.sessionreporter.operate;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Shows whether this instance is the timer leader (detail {@code timer.leader}). Always UP: a follower is as healthy
 * as the leader, it only waits to take over.
 */
public class TimerLeaderCheck extends ReadinessCheck {
    private final TimerLeadership leadership;

    public TimerLeaderCheck(TimerLeadership leadership) {
        super("timer-leader");
        this.leadership = leadership;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        boolean leader = leadership.isLeader();
        builder.detail("timer.leader", leader);
        builder.detail("timer.candidate", leadership.isCandidate());
        builder.message(leader ? "This instance runs the timer" : "Another instance runs the timer, or none yet").up();
    }
}
