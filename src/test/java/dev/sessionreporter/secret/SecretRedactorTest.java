package dev.sessionreporter.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretRedactorTest {

    private static final String TOKEN = "AppTok-5ecret-Q9x7Lm2Zp4";
    private static final String TICKET = "7T:dGlja2V0LXNlY3JldC1YdjNuOFdxMg==";
    private static final String KEY = "Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0";

    @Test
    void replacesEachConfiguredSecretWithStars() {
        SecretRedactor redactor = new SecretRedactor(TOKEN, TICKET);

        String redacted = redactor.redact("token=" + TOKEN + " ticket=" + TICKET, null);

        assertThat(redacted).isEqualTo("token=*** ticket=***");
    }

    @Test
    void replacesEveryOccurrenceOfASecret() {
        String redacted = new SecretRedactor(TICKET).redact(TICKET + "|" + TICKET + "|" + TICKET, null);

        assertThat(redacted).isEqualTo("***|***|***");
    }

    @Test
    void replacesSessionKeyWithItsMask() {
        String redacted = new SecretRedactor(TICKET).redact("session " + KEY + " expired", KEY);

        assertThat(redacted).isEqualTo("session Qv9L… expired").doesNotContain(KEY);
    }

    @Test
    void replacesSecretsAndSessionKeyTogether() {
        String redacted = new SecretRedactor(TOKEN, TICKET).redact(TOKEN + "/" + TICKET + "/" + KEY, KEY);

        assertThat(redacted).isEqualTo("***/***/Qv9L…");
    }

    @Test
    void masksShortSessionKeyCompletely() {
        assertThat(new SecretRedactor().redact("key=abcdef;", "abcdef")).isEqualTo("key=…;");
    }

    @Test
    void redactsSecretOfExactlyFourCharacters() {
        assertThat(new SecretRedactor("s3cr").redact("x s3cr y", null)).isEqualTo("x *** y");
    }

    @Test
    void ignoresNullEmptyAndShortSecrets() {
        SecretRedactor redactor = new SecretRedactor(null, "", "a", "abc");

        assertThat(redactor.redact("a abc abcd", null)).isEqualTo("a abc abcd");
    }

    @Test
    void ignoresShortSecretsButStillRedactsLongOnes() {
        SecretRedactor redactor = new SecretRedactor("to", null, TICKET);

        assertThat(redactor.redact("to " + TICKET, null)).isEqualTo("to ***");
    }

    @Test
    void ignoresMissingOrShortSessionKey() {
        SecretRedactor redactor = new SecretRedactor();

        assertThat(redactor.redact("abc text", null)).isEqualTo("abc text");
        assertThat(redactor.redact("abc text", "abc")).isEqualTo("abc text");
        assertThat(redactor.redact("abc text", "")).isEqualTo("abc text");
    }

    @Test
    void returnsNullForNullText() {
        assertThat(new SecretRedactor(TICKET).redact(null, KEY)).isNull();
    }

    @Test
    void leavesTextWithoutSecretsUnchanged() {
        assertThat(new SecretRedactor(TOKEN, TICKET).redact("Insufficient rights", KEY)).isEqualTo("Insufficient rights");
    }

    @Test
    void redactsOverlappingSecretsCompletelyRegardlessOfOrder() {
        SecretRedactor redactor = new SecretRedactor("abcd1234", "7T:abcd1234-rest-of-ticket");

        assertThat(redactor.redact("ticket 7T:abcd1234-rest-of-ticket", null)).isEqualTo("ticket ***");
    }
}
