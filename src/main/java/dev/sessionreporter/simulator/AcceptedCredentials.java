package dev.sessionreporter.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * What the simulator accepts as ApplicationToken and Credentials/Ticket: the configured token ({@code null} = not
 * checked, like on-site servers), the fixed ticket (unless switched off) and the tickets its logins issued. Compares
 * in constant time; never echoes what was sent.
 */
final class AcceptedCredentials {
    static final String REJECTED_IDENTITY_TYPE = "SoCredentialsException";
    private static final String REJECTED_IDENTITY_MESSAGE = "The identity could not be verified. Log in again.";
    private static final String REJECTED_IDENTITY_FRIENDLY_TEXT = "You have been logged out. Please log in again.";

    /** Why a credential was not accepted: the {@code ExceptionInfo} XML to answer and the reason to record. */
    record Rejection(String exceptionInfo, String reason) {
    }

    private final TicketRegistry tickets;
    private volatile String applicationToken;
    private volatile String ticket;
    private volatile boolean acceptFixedTicket = true;

    AcceptedCredentials(String applicationToken, String ticket, TicketRegistry tickets) {
        this.applicationToken = applicationToken;
        this.ticket = Objects.requireNonNull(ticket, "ticket");
        this.tickets = tickets;
    }

    String applicationToken() {
        return applicationToken;
    }

    void setApplicationToken(String applicationToken) {
        this.applicationToken = applicationToken;
    }

    void setTicket(String ticket) {
        this.ticket = Objects.requireNonNull(ticket, "ticket");
    }

    void setAcceptFixedTicket(boolean accept) {
        this.acceptFixedTicket = accept;
    }

    /** Null when the ApplicationToken is accepted (or not checked). */
    Rejection applicationTokenRejection(String sent) {
        String expectedToken = applicationToken;
        if (expectedToken == null) {
            return null;
        }
        if (sent == null || sent.isEmpty()) {
            return new Rejection(WcfAnswers.exceptionInfo(
                    "No application token was supplied; the application could not be authenticated.",
                    "The application is not authorized to access this database.",
                    "SoApplicationTokenException", "SuperOffice.CRM.Security"), "missing ApplicationToken");
        }
        if (!secretEquals(expectedToken, sent)) {
            return new Rejection(WcfAnswers.exceptionInfo(
                    "Invalid application token: the application could not be authenticated.",
                    "The application is not authorized to access this database.",
                    "SoApplicationTokenException", "SuperOffice.CRM.Security"), "invalid ApplicationToken");
        }
        return null;
    }

    /**
     * Null when the ticket is accepted: the fixed ticket (unless switched off) or an issued, unexpired one (which is
     * then extended).
     */
    Rejection ticketRejection(String sent) {
        // NetServer's exact ExceptionType and Message for a missing, unknown or expired ticket are not documented.
        // The type is a NetServer security exception name; the messages are deliberately plain and do not use the
        // words a client might key on (ticket, credential, authenticate): a client must decide on ExceptionType.
        if (sent == null || sent.isEmpty()) {
            return new Rejection(rejectedIdentity(REJECTED_IDENTITY_MESSAGE), "missing Credentials/Ticket");
        }
        if (acceptFixedTicket && secretEquals(ticket, sent)) {
            return null;
        }
        return switch (tickets.use(sent)) {
            case VALID -> null;
            case EXPIRED -> new Rejection(rejectedIdentity("The login has timed out. Log in again."), "expired ticket");
            case UNKNOWN -> new Rejection(rejectedIdentity(REJECTED_IDENTITY_MESSAGE), "invalid ticket");
        };
    }

    private static String rejectedIdentity(String message) {
        return WcfAnswers.exceptionInfo(message, REJECTED_IDENTITY_FRIENDLY_TEXT,
                REJECTED_IDENTITY_TYPE, "SuperOffice.CRM.Security");
    }

    static boolean secretEquals(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
