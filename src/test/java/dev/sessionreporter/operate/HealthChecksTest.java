package dev.sessionreporter.operate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionreporter.auth.Login;
import dev.sessionreporter.auth.Ticket;
import dev.sessionreporter.auth.TicketCache;
import dev.sessionreporter.failure.ReportFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class HealthChecksTest {

    @Test
    void credentialsCheckIsDownWhileLoginFailsAndUpAfterTheNextSuccessfulLogin() {
        boolean[] refuse = {true};
        Login login = () -> {
            if (refuse[0]) {
                throw new Login.AuthenticationException("refused");
            }
            return new Ticket("7T:fresh", null, Instant.now());
        };
        TicketCache tickets = new TicketCache(login, Duration.ofMinutes(50), Duration.ZERO, Clock.systemUTC());
        CredentialsCheck check = new CredentialsCheck(tickets);
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        assertThat(check.call().getState()).as("before any login").isEqualTo(HealthCheck.State.UP);

        assertThatThrownBy(tickets::current).isInstanceOf(ReportFailedException.class);
        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).get().asString().doesNotContain("7T:");
        assertThat(tickets.getFailedLoginCount()).isEqualTo(1);

        refuse[0] = false;
        tickets.current();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(tickets.getLoginCount()).isEqualTo(1);
    }

    @Test
    void reachableCheckIsReadinessOnly() {
        SuperOfficeReachableCheck check = new SuperOfficeReachableCheck(null, 3);
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
    }

    @Test
    void brokerConnectionCheckIsDownDuringAnOutageOnly() {
        Optional<Instant>[] outage = new Optional[] {Optional.empty()};
        BrokerConnectionCheck check = new BrokerConnectionCheck(() -> outage[0]);
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        outage[0] = Optional.of(Instant.parse("2026-11-26T21:00:00Z"));
        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getDetails()).containsEntry("outage.since", "2026-11-26T21:00:00Z");

        outage[0] = Optional.empty();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void timerLeaderCheckShowsTheLeadershipAndStaysUp() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            TimerLeaderCheck check = new TimerLeaderCheck(new TimerLeadership(camel,
                    org.apache.camel.impl.cluster.ClusteredRoutePolicy.forNamespace(camel, "session-reporter-timer")));
            HealthCheck.Result result = check.call();
            assertThat(check.isLiveness()).isFalse();
            assertThat(result.getState()).as("a follower is healthy").isEqualTo(HealthCheck.State.UP);
            assertThat(result.getDetails()).containsEntry("timer.leader", false).containsEntry("timer.candidate", false);
        }
    }
}
