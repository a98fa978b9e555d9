package dev.sessionreporter.secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Removes known secret values from text that came from elsewhere (exception messages, server answers, the wire log)
 * before it is logged or put in a dead-letter header. Defence in depth: the reporter never builds such text from
 * secrets itself, but a server may echo what it was sent in a changed form. So a secret is found in any letter case,
 * base64 (also inside a longer base64 text), base64url, hex or URL-encoded, and also in part: any
 * {@value #PIECE} characters in a row of one of those forms (a server that cuts a ticket off after a few characters).
 * A secret shorter than that is found whole only.
 */
public final class SecretRedactor {
    /** Characters of a secret that are redacted when they appear in a row: few enough for a cut, too many for chance. */
    static final int PIECE = 8;

    private final Forms secrets;

    public SecretRedactor(String... secrets) {
        this.secrets = Forms.of(Arrays.stream(secrets).filter(Objects::nonNull).filter(s -> s.length() >= 4).toList());
    }

    /**
     * {@code text} with every form of a configured secret replaced by {@code ***} and every form of
     * {@code sessionKey} (if it has four characters or more) by its mask.
     */
    public String redact(String text, String sessionKey) {
        return redact(text, sessionKey, new String[0]);
    }

    /**
     * The same, with secrets of this call only (the ticket the call used, which after a login no configuration holds)
     * also replaced by {@code ***}.
     */
    public String redact(String text, String sessionKey, String... callSecrets) {
        if (text == null) {
            return null;
        }
        String lower = lowerCase(text);
        boolean[] secret = secrets.find(lower);
        List<String> more = Arrays.stream(callSecrets).filter(Objects::nonNull).filter(s -> s.length() >= 4).toList();
        if (!more.isEmpty()) {
            or(secret, Forms.of(more).find(lower));
        }
        boolean[] key = sessionKey != null && sessionKey.length() >= 4
                ? Forms.of(List.of(sessionKey)).find(lower) : new boolean[text.length()];
        StringBuilder result = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (!secret[i] && !key[i]) {
                result.append(text.charAt(i++));
                continue;
            }
            boolean anySecret = false;
            while (i < text.length() && (secret[i] || key[i])) {
                anySecret |= secret[i];
                i++;
            }
            result.append(anySecret ? "***" : SessionKeyMask.mask(sessionKey));
        }
        return result.toString();
    }

    private static void or(boolean[] into, boolean[] other) {
        for (int i = 0; i < into.length; i++) {
            into[i] |= other[i];
        }
    }

    /** Lower case char by char, so that positions stay those of the original text. */
    private static String lowerCase(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = Character.toLowerCase(chars[i]);
        }
        return new String(chars);
    }

    /** The forms of some secrets, lower-cased: their pieces, and a secret too short for a piece whole. */
    private record Forms(Set<String> pieces, List<String> whole) {

        static Forms of(List<String> secrets) {
            Set<String> pieces = new HashSet<>();
            List<String> whole = new ArrayList<>();
            for (String secret : secrets) {
                if (secret.length() < PIECE) {
                    // its encoded forms, as short, would be found by chance
                    whole.add(lowerCase(secret));
                }
                for (String form : forms(secret)) {
                    String lower = lowerCase(form);
                    for (int start = 0; start + PIECE <= lower.length(); start++) {
                        pieces.add(lower.substring(start, start + PIECE));
                    }
                }
            }
            return new Forms(pieces, whole);
        }

        /** Which characters of {@code lower} (a lower-cased text) belong to one of the forms. */
        boolean[] find(String lower) {
            boolean[] found = new boolean[lower.length()];
            if (!pieces.isEmpty()) {
                for (int start = 0; start + PIECE <= lower.length(); start++) {
                    if (pieces.contains(lower.substring(start, start + PIECE))) {
                        Arrays.fill(found, start, start + PIECE, true);
                    }
                }
            }
            for (String form : whole) {
                for (int at = lower.indexOf(form); at >= 0; at = lower.indexOf(form, at + 1)) {
                    Arrays.fill(found, at, at + form.length(), true);
                }
            }
            return found;
        }

        /** The secret as it is, URL-encoded, hex, and base64 and base64url at each of base64's three alignments. */
        private static Set<String> forms(String secret) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            Set<String> forms = new LinkedHashSet<>();
            forms.add(secret);
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            forms.add(HexFormat.of().formatHex(bytes));
            for (int before = 0; before < 3; before++) {
                String base64 = base64Core(bytes, before);
                forms.add(base64);
                forms.add(base64.replace('+', '-').replace('/', '_'));
            }
            return forms;
        }

        /**
         * The base64 characters that encode only the secret's bytes when {@code before} other bytes precede it in the
         * encoded text: whole groups of three bytes, whatever comes before and after.
         */
        private static String base64Core(byte[] secret, int before) {
            byte[] shifted = new byte[before + secret.length];
            System.arraycopy(secret, 0, shifted, before, secret.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int firstGroup = (before + 2) / 3;
            int endGroup = shifted.length / 3;
            return firstGroup >= endGroup ? "" : encoded.substring(firstGroup * 4, endGroup * 4);
        }
    }
}
