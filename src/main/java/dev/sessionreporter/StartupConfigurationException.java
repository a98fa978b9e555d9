package dev.sessionreporter;

/** A configuration mistake found at start-up; its message is shown to the operator as it is, without a stack trace. */
public class StartupConfigurationException extends RuntimeException {
    public StartupConfigurationException(String message) {
        super(message, null, false, false);
    }
}
