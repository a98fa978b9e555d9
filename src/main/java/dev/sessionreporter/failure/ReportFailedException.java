package dev.sessionreporter.failure;

/**
 * A failure the reporter recognised and classified itself. Its message is safe to log: it never contains the
 * application token, the ticket or a full session key.
 */
public class ReportFailedException extends RuntimeException {
    private final FailureReason reason;
    private final boolean transientFailure;

    public ReportFailedException(FailureReason reason, String safeDetail) {
        this(reason, safeDetail, false);
    }

    /** {@code transientFailure}: retried like a connection failure instead of dead-lettered at once. */
    protected ReportFailedException(FailureReason reason, String safeDetail, boolean transientFailure) {
        this(reason, safeDetail, transientFailure, null);
    }

    /** {@code cause}: one of ours, whose message is safe to log too. */
    protected ReportFailedException(FailureReason reason, String safeDetail, boolean transientFailure,
            ReportFailedException cause) {
        super(safeDetail, cause, false, false);
        this.reason = reason;
        this.transientFailure = transientFailure;
    }

    /** What went wrong, safe to log (the message, unless a subclass puts more in front of it). */
    public String detail() {
        return getMessage();
    }

    public boolean isTransient() {
        return transientFailure;
    }

    public FailureReason reason() {
        return reason;
    }
}
