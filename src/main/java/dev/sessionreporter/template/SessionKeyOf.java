package dev.sessionreporter.template;

import dev.sessionreporter.input.SessionKeyInput;

/** The session key of a template's message, when it has a valid one: for masking, never for reporting. */
final class SessionKeyOf {
    private static final SessionKeyInput INPUT = new SessionKeyInput();

    private SessionKeyOf() {
    }

    /** The key the body carries, or null when the body is not a valid session key. */
    static String body(Object body) {
        try {
            return INPUT.sessionKeyOf(body);
        } catch (RuntimeException invalid) {
            return null;
        }
    }
}
