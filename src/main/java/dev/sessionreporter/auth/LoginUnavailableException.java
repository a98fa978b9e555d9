package dev.sessionreporter.auth;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;

/**
 * No usable ticket because the login endpoint (SoPrincipal, PartnerSystemUser, JWKS) is unreachable or answers an
 * outage status. Transient: the report is retried, a queue message rolled back — never dead-lettered for it
 * (routes/error-handling.camel.yaml); readiness shows it (superoffice-credentials DOWN).
 */
public class LoginUnavailableException extends ReportFailedException {
    public LoginUnavailableException(String safeDetail) {
        super(FailureReason.UNREACHABLE, safeDetail, true);
    }
}
