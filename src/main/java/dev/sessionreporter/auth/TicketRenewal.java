package dev.sessionreporter.auth;

import dev.sessionreporter.failure.ReporterHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs before the one retry of a report whose credentials were rejected (routes/error-handling.camel.yaml): renews
 * the ticket that call used. If the renewal fails, the report is dead-lettered as AUTHENTICATION_FAILED.
 */
public class TicketRenewal implements Processor {
    private final TicketCache tickets;
    private final boolean renewable;

    public TicketRenewal(TicketCache tickets, boolean renewable) {
        this.tickets = tickets;
        this.renewable = renewable;
    }

    /** False in auth mode ticket: a rejected static ticket is dead-lettered as SERVER_REJECTED at once. */
    public boolean canRenew() {
        return renewable;
    }

    @Override
    public void process(Exchange exchange) {
        tickets.renewAfterRejection(exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class));
    }
}
