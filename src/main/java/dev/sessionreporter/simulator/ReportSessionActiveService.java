package dev.sessionreporter.simulator;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CustomerService {@code ReportSessionActive}, once the SOAP checks passed: injected failures, then ApplicationToken
 * and ticket (never echoed), then the session lookup: {@code Response} = login id, or 0 for an unknown (or absent)
 * key.
 */
final class ReportSessionActiveService {
    private final Map<String, Integer> sessions = new ConcurrentHashMap<>();
    private final AcceptedCredentials credentials;
    private final FailureInjection failures;

    ReportSessionActiveService(AcceptedCredentials credentials, FailureInjection failures) {
        this.credentials = credentials;
        this.failures = failures;
    }

    void addSession(String sessionKey, int loginId) {
        if (loginId <= 0) {
            throw new IllegalArgumentException("loginId must be positive: " + loginId);
        }
        sessions.put(Objects.requireNonNull(sessionKey, "sessionKey"), loginId);
    }

    void removeSession(String sessionKey) {
        sessions.remove(sessionKey);
    }

    /** Answers {@code exchange}; {@code operation} is its {@code ReportSessionActive} element. */
    void answer(Exchange exchange, SimXml.Node operation) {
        // the key the operation formatter took, not whatever element the lenient recording pass found
        SimXml.Node keyParameter = OperationFormatter.acceptedParameters(operation, SoapOperation.REPORT_SESSION_ACTIVE)
                .get("SessionKey");
        exchange.sessionKey = keyParameter == null || keyParameter.isNil() ? null : keyParameter.text();

        if (failures.rejectsReport(exchange)) {
            return;
        }
        // application token, then ticket: before the session lookup
        AcceptedCredentials.Rejection rejection = credentials.applicationTokenRejection(exchange.applicationToken);
        if (rejection == null) {
            rejection = credentials.ticketRejection(exchange.ticket);
        }
        if (rejection != null) {
            exchange.reject(WcfAnswers.reportSessionActive(false, rejection.exceptionInfo(), 0), rejection.reason());
            return;
        }
        int loginId = exchange.sessionKey == null ? 0 : sessions.getOrDefault(exchange.sessionKey, 0);
        exchange.succeeded = true;
        exchange.response = loginId;
        exchange.answer = WcfAnswers.reportSessionActive(true, null, loginId);
    }
}
