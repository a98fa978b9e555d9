package dev.sessionreporter.failure;

import java.net.SocketTimeoutException;

/**
 * The SOAP call was not over by its deadline (superoffice.receive-timeout, counted from the start of sending): the
 * reporter closed the connection. A timeout like any other ({@link FailureReason#TIMEOUT}, retried).
 */
public class CallDeadlineException extends SocketTimeoutException {
    public CallDeadlineException(long deadlineMillis) {
        super("no complete answer within " + deadlineMillis + " ms (superoffice.receive-timeout)");
    }
}
