package dev.sessionreporter.kamelet;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;

/**
 * What the Kamelet {@code superoffice-session-active-action} throws when a key was not reported: the reason (also the
 * first word of the message) and whether trying again later may succeed, for the host's own error handling. The
 * message never contains the application token, the ticket or the full session key.
 * <p>
 * When the failure is one the library raised itself (credentials rejected, the login endpoint unavailable or refusing,
 * an invalid key, an answer that is no success), that failure is the cause, so that an {@code onException} for its type
 * applies (Camel matches causes too). A failure of the network, TLS or CXF is not attached: its text is the server's
 * or the peer's as it came, never redacted, and may echo a secret; its reason, transience and redacted detail are here.
 */
public class SessionActiveFailedException extends ReportFailedException {
    private final String detail;

    public SessionActiveFailedException(FailureReason reason, String safeDetail, boolean transientFailure,
            ReportFailedException cause) {
        super(reason, reason.name() + ": " + safeDetail, transientFailure, cause);
        this.detail = safeDetail;
    }

    /** The message without the reason in front. */
    @Override
    public String detail() {
        return detail;
    }
}
