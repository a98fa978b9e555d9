package dev.sessionreporter.failure;

/** Names of the headers and exchange properties the reporter sets. Header names are part of the public contract. */
public final class ReporterHeaders {
    /** Dead-letter header: one of {@link FailureReason}. */
    public static final String FAILURE_REASON = "SessionReporterFailureReason";
    /** Dead-letter header: a human-readable reason, with every secret masked. */
    public static final String FAILURE_DETAIL = "SessionReporterFailureDetail";
    /** Dead-letter header: how many times the server was called (or 0 when the input was rejected before calling it). */
    public static final String ATTEMPTS = "SessionReporterAttempts";
    /** Dead-letter header: the id of the route that received the session key (session-reporter-timer-trigger, session-reporter-queue-trigger). */
    public static final String ROUTE_ID = "SessionReporterRouteId";
    /** Result and dead-letter header: the session key masked for display (first 4 characters and an ellipsis). */
    public static final String MASKED_SESSION_KEY = "SessionReporterMaskedSessionKey";
    /** Result header: the id of the login row the server reported active. */
    public static final String LOGIN_ID = "SessionReporterLoginId";
    /** Result header: milliseconds from the first attempt to the answer. */
    public static final String LATENCY_MILLIS = "SessionReporterLatencyMillis";

    /**
     * Queue message header {@code true}: a key the timer leader put on the queue (reporter.timer.target=queue). Such
     * keys are sent once per period on purpose and are exempt from duplicate suppression.
     */
    public static final String TIMER_KEY = "SessionReporterTimerKey";

    /** Exchange property (never a header, so it never leaves the process): the validated session key. */
    public static final String SESSION_KEY_PROPERTY = "SessionReporterSessionKey";
    /** Exchange property: the body as it arrived, restored before dead-lettering. */
    public static final String ORIGINAL_BODY_PROPERTY = "SessionReporterOriginalBody";
    /** Exchange property: the ticket the last call used, so a rejection renews exactly that one. */
    public static final String TICKET_USED_PROPERTY = "SessionReporterTicketUsed";
    /** Exchange property: System.nanoTime() when the first SOAP call started. */
    public static final String STARTED_NANOS_PROPERTY = "SessionReporterStartedNanos";
    /** Exchange property: number of SOAP calls made for this exchange. */
    public static final String CALLS_PROPERTY = "SessionReporterCalls";

    private ReporterHeaders() {
    }
}
