package dev.sessionreporter.operate;

import dev.sessionreporter.auth.TicketCache;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: DOWN while the last login failed (a failed-login incident: reports fail with AUTHENTICATION_FAILED),
 * UP again after the next successful login. Shows no credential, only whether they work.
 */
public class CredentialsCheck extends ReadinessCheck {
    private final TicketCache tickets;

    public CredentialsCheck(TicketCache tickets) {
        super("superoffice-credentials");
        this.tickets = tickets;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (tickets.isLoginFailing()) {
            builder.message("SuperOffice login failing: reports are dead-lettered as AUTHENTICATION_FAILED").down();
        } else {
            builder.up();
        }
    }
}
