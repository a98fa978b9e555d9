package dev.sessionreporter.auth;

import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.ReporterHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs before the one retry of a report whose credentials were rejected (routes/error-handling.camel.yaml): marks
 * the ticket that call used as rejected, so that the retry logs in (one login however many reports saw it). The
 * login happens in the retried call: a refused login dead-letters as AUTHENTICATION_FAILED, an unreachable login
 * endpoint is retried like any transient failure.
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
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught == null) {
            caught = exchange.getException();
        }
        tickets.rejected(exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class),
                caught instanceof CredentialsRejectedException rejection ? rejection.getMessage() : null);
    }
}
