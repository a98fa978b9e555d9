package dev.sessionreporter.support;

/**
 * Recognisable secret values the tests configure, so that a leak anywhere (log, exception, dead-letter header) can be
 * found by searching for the literal value.
 */
public final class TestSecrets {
    public static final String APPLICATION_TOKEN = "AppTok-5ecret-Q9x7Lm2Zp4";
    public static final String TICKET = "7T:dGlja2V0LXNlY3JldC1YdjNuOFdxMg==";

    private TestSecrets() {
    }

    /** A fresh 32-character session key whose first four characters are {@code prefix} (padded). */
    public static String sessionKey(String prefix) {
        String random = java.util.UUID.randomUUID().toString().replace("-", "");
        return (prefix + random).substring(0, 32);
    }
}
