package dev.sessionreporter.failure;

/** The dead-letter endpoint refused a failed message; the message must not be acknowledged. */
public class DeadLetterFailedException extends RuntimeException {
    public DeadLetterFailedException(String message) {
        super(message);
    }
}
