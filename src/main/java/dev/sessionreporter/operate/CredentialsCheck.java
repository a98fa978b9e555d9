package dev.sessionreporter.operate;

import dev.sessionreporter.auth.TicketCache;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: DOWN while reports have no usable ticket because the login fails — the login endpoint unreachable
 * (reports are retried, queue messages stay queued) or the login refused (AUTHENTICATION_FAILED dead letters) — UP
 * again after the next successful login. A failed renewal while the current ticket still works is UP with a detail.
 * Shows no credential, only whether they work and why not.
 */
public class CredentialsCheck extends ReadinessCheck {
    private final TicketCache tickets;

    public CredentialsCheck(TicketCache tickets) {
        super("superoffice-credentials");
        this.tickets = tickets;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        TicketCache.State state = tickets.state();
        builder.detail("login.state", state.name());
        String failure = tickets.lastFailure();
        if (failure != null) {
            builder.detail("login.failure", failure);
        }
        switch (state) {
            case LOGIN_UNAVAILABLE -> builder.message("SuperOffice login endpoint unavailable: reports are retried and "
                    + "queue messages stay on the queue until a login succeeds").down();
            case LOGIN_REFUSED -> builder.message("SuperOffice login refused: reports are dead-lettered as "
                    + "AUTHENTICATION_FAILED").down();
            case RENEWAL_FAILING -> builder.message("SuperOffice ticket renewal failing: the current ticket stays in "
                    + "use until the server rejects it").up();
            case OK -> builder.up();
        }
    }
}
