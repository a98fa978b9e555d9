package dev.sessionreporter.failure;

/**
 * A failure the reporter recognised and classified itself. Its message is safe to log: it never contains the
 * application token, the ticket or a full session key.
 */
public class ReportFailedException extends RuntimeException {
    private final FailureReason reason;

    public ReportFailedException(FailureReason reason, String safeDetail) {
        super(safeDetail, null, false, false);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }
}
