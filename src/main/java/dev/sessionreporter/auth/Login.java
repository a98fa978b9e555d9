package dev.sessionreporter.auth;

/** One way of obtaining a ticket: {@code superoffice.auth.mode} picks it. */
public interface Login {

    /** Logs in and returns a fresh ticket; the message of the exception says why not, without any secret. */
    Ticket login() throws AuthenticationException;

    /** False for a configured static ticket: nothing can replace it when the server rejects it. */
    default boolean canRenew() {
        return true;
    }

    /**
     * Thrown when a login is refused or cannot be made. {@link #isTransient()} tells an unreachable login endpoint
     * (connection refused or reset, timeout, HTTP 408/429/5xx), which heals by itself, from a refused or unusable
     * login, which does not.
     */
    final class AuthenticationException extends Exception {
        private final boolean transientFailure;

        /** A refused login (or an answer that cannot be used): retrying does not help. */
        public AuthenticationException(String safeMessage) {
            this(safeMessage, false);
        }

        private AuthenticationException(String safeMessage, boolean transientFailure) {
            super(safeMessage, null, false, false);
            this.transientFailure = transientFailure;
        }

        /** The login endpoint could not be reached or answered an outage status: try again later. */
        public static AuthenticationException unavailable(String safeMessage) {
            return new AuthenticationException(safeMessage, true);
        }

        public boolean isTransient() {
            return transientFailure;
        }

        /** HTTP statuses of an outage rather than of a refusal: 408, 429 and every 5xx. */
        static boolean transientStatus(int status) {
            return status == 408 || status == 429 || (status >= 500 && status <= 599);
        }

        /**
         * An I/O failure of an outage (connection refused or reset, timeout, a handshake cut short) — not one of an
         * untrusted or expired certificate or a wrong host name, which no retry heals.
         */
        static boolean transientIo(Throwable failure) {
            boolean io = false;
            for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                if (cause instanceof java.security.cert.CertificateException
                        || cause instanceof java.security.cert.CertPathValidatorException
                        || cause instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                    return false;
                }
                io |= cause instanceof java.io.IOException;
            }
            return io;
        }
    }
}
