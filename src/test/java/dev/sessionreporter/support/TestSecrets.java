package dev.sessionreporter.support;

/**
 * Recognisable secret values the tests configure, so that a leak anywhere (log, exception, dead-letter header) can be
 * found by searching for the literal value.
 */
public final class TestSecrets {
    public static final String APPLICATION_TOKEN = "AppTok-5ecret-Q9x7Lm2Zp4";
    public static final String TICKET = "7T:dGlja2V0LXNlY3JldC1YdjNuOFdxMg==";
    /** reporter.timer.queue-secret of the tests that put timer keys on the queue. */
    public static final String TIMER_QUEUE_SECRET = "TimerQ-5ecret-Hm4Zr8Wp2Lx6";

    private TestSecrets() {
    }

    /** A fresh 32-character session key whose first four characters are {@code prefix} (padded). */
    public static String sessionKey(String prefix) {
        String random = java.util.UUID.randomUUID().toString().replace("-", "");
        return (prefix + random).substring(0, 32);
    }
}
