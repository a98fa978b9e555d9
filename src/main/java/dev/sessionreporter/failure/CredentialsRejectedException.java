package dev.sessionreporter.failure;

/**
 * {@code Succeeded=false} whose ExceptionInfo says the credentials were rejected (superoffice.auth.
 * credential-rejection-pattern): the ticket is renewed once and the report retried once, where the auth mode allows.
 */
public class CredentialsRejectedException extends ReportFailedException {
    public CredentialsRejectedException(String safeDetail) {
        super(FailureReason.SERVER_REJECTED, safeDetail);
    }
}
