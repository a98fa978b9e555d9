package dev.sessionreporter.secret;

import java.util.List;
import java.util.Objects;

/**
 * Removes known secret values from text that came from elsewhere (exception messages, server answers) before it is
 * logged or put in a dead-letter header. Defence in depth: the reporter never builds such text from secrets itself.
 */
public final class SecretRedactor {
    private final List<String> secrets;

    public SecretRedactor(String... secrets) {
        // longest first, so a secret that contains a shorter one is replaced whole
        this.secrets = java.util.Arrays.stream(secrets).filter(Objects::nonNull).filter(s -> s.length() >= 4)
                .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String redact(String text, String sessionKey) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "***");
        }
        if (sessionKey != null && sessionKey.length() >= 4) {
            result = result.replace(sessionKey, SessionKeyMask.mask(sessionKey));
        }
        return result;
    }
}
