package dev.sessionreporter.auth;

/** One way of obtaining a ticket: {@code superoffice.auth.mode} picks it. */
public interface Login {

    /** Logs in and returns a fresh ticket; the message of the exception says why not, without any secret. */
    Ticket login() throws AuthenticationException;

    /** False for a configured static ticket: nothing can replace it when the server rejects it. */
    default boolean canRenew() {
        return true;
    }

    /** Thrown when a login is refused or cannot be made. */
    final class AuthenticationException extends Exception {
        public AuthenticationException(String safeMessage) {
            super(safeMessage, null, false, false);
        }
    }
}
