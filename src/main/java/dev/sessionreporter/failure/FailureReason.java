package dev.sessionreporter.failure;

/**
 * Why a session key ended in the dead-letter endpoint. The names are part of the public contract: operators filter the
 * dead-letter queue on them (header {@value ReporterHeaders#FAILURE_REASON}).
 */
public enum FailureReason {
    /** Blank, oversized or malformed key, malformed JSON, or a message that is not text. The server was not called. */
    INVALID_INPUT,
    /** The server answered {@code Response = 0}: the session key is unknown or the session has expired. */
    SESSION_NOT_FOUND,
    /** The server answered {@code Succeeded = false}; the detail carries its {@code ExceptionInfo}. */
    SERVER_REJECTED,
    /** A SOAP fault, or an answer that is not a well-formed ReportSessionActive reply. */
    SOAP_FAULT,
    /**
     * The server answered, but not with one unambiguous ReportSessionActive reply the reporter can trust: an answer over
     * the size limit, an ambiguous answer (an element twice, several Body children, bytes after the envelope, a header
     * marked mustUnderstand that the reporter does not know), a missing or out-of-range {@code Response}, a body in an
     * encoding that was not asked for. Not retried: the server is up and would answer the same again.
     */
    INVALID_ANSWER,
    /** An HTTP status other than 200 (429/502/503/504 are retried first). */
    HTTP_ERROR,
    /**
     * The server could not be reached or the request not sent: connection refused or reset, unknown host, TLS handshake
     * cut (all retried first); a certificate, path or hostname that TLS does not accept (not retried).
     */
    UNREACHABLE,
    /** No answer within the receive timeout (retried first). */
    TIMEOUT,
    /**
     * The server rejected the credentials and a new ticket could not be obtained (login refused or impossible, or a
     * static ticket that cannot be renewed).
     */
    AUTHENTICATION_FAILED,
    /**
     * A failure the reporter did not expect, such as an answer that is not HTTP or an encoding error (not retried): the
     * message is kept with the exception type as detail.
     */
    UNEXPECTED_ERROR
}
