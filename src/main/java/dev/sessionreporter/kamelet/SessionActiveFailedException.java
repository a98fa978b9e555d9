package dev.sessionreporter.kamelet;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;

/**
 * What the Kamelet {@code superoffice-session-active-action} throws when a key was not reported: the reason (also the
 * first word of the message) and whether trying again later may succeed, for the host's own error handling. The
 * message never contains the application token, the ticket or the full session key.
 */
public class SessionActiveFailedException extends ReportFailedException {
    public SessionActiveFailedException(FailureReason reason, String safeDetail, boolean transientFailure) {
        super(reason, reason.name() + ": " + safeDetail, transientFailure);
    }
}
