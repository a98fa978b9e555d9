package dev.sessionreporter.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** The server decides how it echoes what we sent: upper-cased, encoded, cut off. None of it may be readable. */
    @ParameterizedTest
    @MethodSource("changedForms")
    void redactsASecretTheServerEchoesInAChangedForm(String form) {
        String redacted = new SecretRedactor(TOKEN, TICKET).redact("Invalid ticket '" + form + "' in request", null);

        // booleans, so that a failure does not print the secret
        assertThat(redacted.startsWith("Invalid ticket '") && redacted.endsWith("' in request")).isTrue();
        assertThat(containsEightCharactersOf(redacted, form)).as("a piece of the echoed form is left").isFalse();
    }

    static Stream<String> changedForms() {
        byte[] ticket = TICKET.getBytes(StandardCharsets.UTF_8);
        return Stream.of(TICKET.toUpperCase(Locale.ROOT), TICKET.toLowerCase(Locale.ROOT),
                Base64.getEncoder().encodeToString(ticket), Base64.getUrlEncoder().withoutPadding().encodeToString(ticket),
                HexFormat.of().formatHex(ticket), HexFormat.of().withUpperCase().formatHex(ticket),
                URLEncoder.encode(TICKET, StandardCharsets.UTF_8),
                URLEncoder.encode(TICKET, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                TICKET.substring(0, 12) + "...", "..." + TICKET.substring(TICKET.length() - 12));
    }

    /** Encoded inside a longer text (a base64 blob of the whole request), at each of base64's three alignments. */
    @ParameterizedTest
    @ValueSource(strings = {"", "x", "xy"})
    void redactsASecretBase64EncodedInsideALongerText(String before) {
        String blob = Base64.getEncoder().encodeToString(("<Ticket>" + before + TICKET + "</Ticket>")
                .getBytes(StandardCharsets.UTF_8));

        String redacted = new SecretRedactor(TICKET).redact("echo " + blob, null);

        assertThat(redacted).startsWith("echo ");
        assertThat(decodedPieces(redacted).stream().anyMatch(piece -> containsEightCharactersOf(piece, TICKET)))
                .as("a piece of the ticket can be decoded").isFalse();
    }

    /** Every run of base64 characters decoded at each of the four offsets: whatever is still readable in it. */
    private static List<String> decodedPieces(String text) {
        List<String> pieces = new ArrayList<>();
        for (String run : text.split("[^A-Za-z0-9+/]+")) {
            for (int offset = 0; offset < 4 && offset < run.length(); offset++) {
                String aligned = run.substring(offset, offset + (run.length() - offset) / 4 * 4);
                pieces.add(new String(Base64.getDecoder().decode(aligned), StandardCharsets.ISO_8859_1));
            }
        }
        return pieces;
    }

    private static boolean containsEightCharactersOf(String text, String secret) {
        for (int start = 0; start + 8 <= secret.length(); start++) {
            if (text.contains(secret.substring(start, start + 8))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void masksASessionKeyTheServerEchoesInAChangedForm() {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        String echoed = KEY.toLowerCase(Locale.ROOT) + " " + Base64.getEncoder().encodeToString(key) + " "
                + HexFormat.of().formatHex(key) + " " + KEY.substring(0, 16);

        String redacted = new SecretRedactor(TICKET).redact(echoed, KEY);

        assertThat(containsEightCharactersOf(redacted.toLowerCase(Locale.ROOT), echoed.toLowerCase(Locale.ROOT)))
                .as("a piece of an echoed form is left").isFalse();
        assertThat(redacted).contains("Qv9L…");
    }

    @Test
    void leavesOrdinaryTextThatSharesOnlyAFewCharactersWithASecret() {
        String text = "AppTok is the header; 7T:dGl is where tickets start; Qv9LxT2 is not a key";

        assertThat(new SecretRedactor(TOKEN, TICKET).redact(text, KEY)).isEqualTo(text);
    }

    /** After a login the ticket is in no configuration: the call passes it, and it is redacted in every form too. */
    @Test
    void redactsTheTicketOfTheCallInEveryForm() {
        String loginTicket = "7T:bG9naW4tdGlja2V0LXNlY3JldA==";
        String echoed = loginTicket.toUpperCase(Locale.ROOT) + " " + Base64.getEncoder().encodeToString(
                loginTicket.getBytes(StandardCharsets.UTF_8));

        String redacted = new SecretRedactor(TOKEN).redact(echoed, KEY, loginTicket);

        assertThat(redacted).startsWith("*** ***");
        assertThat(containsEightCharactersOf(redacted, echoed)).as("a piece of an echoed form is left").isFalse();
    }
}
