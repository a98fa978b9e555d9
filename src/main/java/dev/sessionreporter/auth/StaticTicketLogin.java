package dev.sessionreporter.auth;

import java.time.Instant;

/** {@code superoffice.auth.mode=ticket}: the ticket of {@code superoffice.ticket}, as configured. */
public final class StaticTicketLogin implements Login {
    private final String ticket;

    public StaticTicketLogin(String ticket) {
        this.ticket = ticket;
    }

    @Override
    public Ticket login() {
        return new Ticket(ticket, null, Instant.now());
    }

    @Override
    public boolean canRenew() {
        return false;
    }
}
