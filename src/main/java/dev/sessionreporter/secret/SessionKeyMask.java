package dev.sessionreporter.secret;

/** Shows a session key without revealing it: a session key authenticates a login session. */
public final class SessionKeyMask {
    private static final int VISIBLE = 4;

    private SessionKeyMask() {
    }

    /** The first four characters followed by an ellipsis; short or missing keys are masked completely. */
    public static String mask(String sessionKey) {
        if (sessionKey == null || sessionKey.isEmpty()) {
            return "(none)";
        }
        if (sessionKey.length() <= VISIBLE * 2) {
            return "…";
        }
        return sessionKey.substring(0, VISIBLE) + "…";
    }
}
