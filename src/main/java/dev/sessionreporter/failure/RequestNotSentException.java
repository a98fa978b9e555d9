package dev.sessionreporter.failure;

import java.io.IOException;

/**
 * The SOAP request never reached the server: connecting, the TLS handshake or writing the request failed. Raised by the
 * client around the I/O it does before it waits for the answer, so that a connect timeout is told from a receive
 * timeout by where it happened, not by the JDK's message text. The cause is the original failure.
 */
public class RequestNotSentException extends IOException {
    public RequestNotSentException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
