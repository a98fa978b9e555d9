package dev.sessionreporter.auth;

import java.time.Instant;

/**
 * A SuperOffice ticket and, for Online system users, the tenant's current NetServer base URL (the host moves for load
 * balancing). {@link #toString()} never shows the ticket.
 */
public record Ticket(String value, String netServerUrl, Instant acquiredAt) {

    @Override
    public String toString() {
        return "Ticket[***, acquiredAt=" + acquiredAt + (netServerUrl == null ? "" : ", netServerUrl=" + netServerUrl) + "]";
    }
}
