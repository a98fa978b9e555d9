package dev.sessionreporter.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionKeyInputTest {

    /** A typical 32-character SuperOffice session key. */
    private static final String KEY = "Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0";
    /** Every rejected body below carries this marker, so any echo of the body in the message is found. */
    private static final String MARKER = "Xq7Zk9";

    private final SessionKeyInput input = new SessionKeyInput();

    // ---------------------------------------------------------------- accepted input

    @Test
    void acceptsBareKey() {
        assertThat(input.sessionKeyOf(KEY)).isEqualTo(KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"  %s  ", "%s\n", "\r\n%s\r\n", "\t%s\t", "\n\n  %s \n"})
    void stripsSurroundingWhitespaceAndNewlinesFromBareKey(String template) {
        assertThat(input.sessionKeyOf(template.formatted(KEY))).isEqualTo(KEY);
    }

    @Test
    void readsKeyFromJsonObject() {
        assertThat(input.sessionKeyOf("{\"sessionKey\":\"" + KEY + "\"}")).isEqualTo(KEY);
    }

    @Test
    void readsKeyFromJsonObjectSurroundedByWhitespaceAndFormatted() {
        String body = "\n  {\n    \"sessionKey\" : \"" + KEY + "\"\n  }\n";

        assertThat(input.sessionKeyOf(body)).isEqualTo(KEY);
    }

    @Test
    void toleratesExtraJsonFields() {
        String body = "{\"source\":\"crm\",\"sessionKey\":\"" + KEY + "\",\"attempt\":3,\"meta\":{\"tags\":[1,2]},\"x\":null}";

        assertThat(input.sessionKeyOf(body)).isEqualTo(KEY);
    }

    @Test
    void decodesUtf8BytesOfBareKey() {
        assertThat(input.sessionKeyOf((KEY + "\n").getBytes(StandardCharsets.UTF_8))).isEqualTo(KEY);
    }

    @Test
    void decodesUtf8BytesWithNonAsciiCharacters() {
        String key = "ключ-Äöü-€-" + KEY;

        assertThat(input.sessionKeyOf(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(key);
    }

    @Test
    void decodesUtf8BytesOfJsonObject() {
        byte[] body = ("{\"sessionKey\":\"" + KEY + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(input.sessionKeyOf(body)).isEqualTo(KEY);
    }

    @Test
    void acceptsKeyOfExactly256Characters() {
        String key = "k".repeat(SessionKeyInput.MAX_KEY_LENGTH);

        assertThat(input.sessionKeyOf(key)).isEqualTo(key).hasSize(256);
    }

    @Test
    void acceptsKeyOfExactly256CharactersInJson() {
        String key = "k".repeat(256);

        assertThat(input.sessionKeyOf("{\"sessionKey\":\"" + key + "\"}")).isEqualTo(key);
    }

    @Test
    void acceptsBodyOfExactly64KiBWhenItIsMostlySurroundingWhitespace() {
        String body = " ".repeat(SessionKeyInput.MAX_BODY_BYTES - KEY.length()) + KEY;
        assertThat(body).hasSize(64 * 1024);

        assertThat(input.sessionKeyOf(body)).isEqualTo(KEY);
        assertThat(input.sessionKeyOf(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a<b>&\"'", "]]>", "<SessionKey>x</SessionKey>", "a&amp;b", "key]]><!--"})
    void acceptsKeyWithXmlMetacharactersAsIs(String key) {
        assertThat(input.sessionKeyOf(key)).isEqualTo(key);
    }

    @Test
    void acceptsKeyWithXmlMetacharactersFromJson() {
        assertThat(input.sessionKeyOf("{\"sessionKey\":\"a<b>&\\\"'\"}")).isEqualTo("a<b>&\"'");
        assertThat(input.sessionKeyOf("{\"sessionKey\":\"]]>\"}")).isEqualTo("]]>");
    }

    // ---------------------------------------------------------------- rejected input

    @Test
    void rejectsNullBody() {
        assertRejected(null, "no body");
    }

    @Test
    void rejectsEmptyBodyAsBlank() {
        assertRejected("", "blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "    ", "\n", "\r\n\t  \n", "\u2003\u2002"})
    void rejectsWhitespaceOnlyBodyAsBlank(String body) {
        assertRejected(body, "blank");
    }

    @Test
    void rejectsEmptyByteArrayAsBlank() {
        assertRejected(new byte[0], "blank");
    }

    @Test
    void rejectsKeyOf257CharactersWithoutEchoingIt() {
        String key = MARKER + "k".repeat(257 - MARKER.length());

        ReportFailedException e = assertRejected(key, "257 characters");
        assertThat(e.getMessage()).contains("256");
    }

    @Test
    void rejectsKeyOf257CharactersFromJsonWithoutEchoingIt() {
        String key = MARKER + "k".repeat(257 - MARKER.length());

        assertRejected("{\"sessionKey\":\"" + key + "\"}", "257 characters");
    }

    static Stream<Arguments> keysWithForbiddenCharacters() {
        return Stream.of(
                Arguments.of("inner space", MARKER + "abc def", 10),
                Arguments.of("tab", MARKER + "abc\tdef", 10),
                Arguments.of("newline inside", MARKER + "abc\ndef", 10),
                Arguments.of("control character U+0001", MARKER + "abc\u0001def", 10),
                Arguments.of("DEL U+007F", MARKER + "abc\u007Fdef", 10),
                Arguments.of("non-breaking space U+00A0", MARKER + "abc\u00A0def", 10),
                Arguments.of("trailing non-breaking space", MARKER + "abcdef\u00A0", 13),
                Arguments.of("zero-width space U+200B (FORMAT)", MARKER + "abc\u200Bdef", 10),
                Arguments.of("leading zero-width space", "\u200B" + MARKER + "abcdef", 1),
                Arguments.of("byte order mark U+FEFF (FORMAT)", "\uFEFF" + MARKER + "abcdef", 1),
                Arguments.of("ideographic space U+3000", MARKER + "abc\u3000def", 10),
                Arguments.of("line separator U+2028", MARKER + "abc\u2028def", 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysWithForbiddenCharacters")
    void rejectsKeyWithWhitespaceOrControlCharacterWithoutEchoingIt(String description, String key, int position) {
        ReportFailedException e = assertRejected(key, "whitespace or a control character");
        assertThat(e.getMessage()).contains("position " + position);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysWithForbiddenCharacters")
    void rejectsKeyWithWhitespaceOrControlCharacterInJsonWithoutEchoingIt(String description, String key, int position) {
        String escaped = key.replace("\t", "\\t").replace("\n", "\\n").replace("\u0001", "\\u0001").replace("\u007F", "\\u007f");

        assertRejected("{\"sessionKey\":\"" + escaped + "\"}", "whitespace or a control character");
    }

    @Test
    void rejectsBlankSessionKeyInJson() {
        assertRejected("{\"sessionKey\":\"\"}", "blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"sessionKey\":\"" + MARKER + "abcdef\"",
            "{\"sessionKey\":" + MARKER + "abcdef}",
            "{sessionKey:\"" + MARKER + "abcdef\"}",
            "{'sessionKey':'" + MARKER + "abcdef'}",
            "{\"sessionKey\":\"" + MARKER + "abcdef\",}",
            "{" + MARKER + "abcdef"})
    void rejectsMalformedJsonWithoutEchoingIt(String body) {
        assertRejected(body, "malformed JSON");
    }

    @Test
    void rejectsMalformedJsonTellingWhere() {
        ReportFailedException e = assertRejected("{\"sessionKey\" \"" + MARKER + "abcdef\"}", "malformed JSON");

        assertThat(e.getMessage()).containsPattern("line \\d+, column \\d+");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"key\":\"" + MARKER + "abcdef\"}",
            "{\"SessionKey\":\"" + MARKER + "abcdef\"}",
            "{\"session_key\":\"" + MARKER + "abcdef\"}",
            "{\"data\":{\"sessionKey\":\"" + MARKER + "abcdef\"}}"})
    void rejectsJsonWithoutSessionKeyField(String body) {
        assertRejected(body, "no string field \"sessionKey\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"sessionKey\":97531864}",
            "{\"sessionKey\":9753.1864}",
            "{\"sessionKey\":true}",
            "{\"sessionKey\":null}",
            "{\"sessionKey\":{\"value\":\"" + MARKER + "abcdef\"}}",
            "{\"sessionKey\":[\"" + MARKER + "abcdef\"]}"})
    void rejectsSessionKeyThatIsNotAString(String body) {
        ReportFailedException e = assertRejected(body, "no string field \"sessionKey\"");
        assertThat(e.getMessage()).doesNotContain("97531864").doesNotContain("9753.1864");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[\"" + MARKER + "abcdef\"]",
            "[{\"sessionKey\":\"" + MARKER + "abcdef\"}]",
            "[]"})
    void rejectsJsonArray(String body) {
        assertRejected(body, "JSON");
    }

    @Test
    void rejectsJsonArrayWithSpacesWithoutEchoingIt() {
        assertRejected("[ \"" + MARKER + "abcdef\" ]", "JSON body is not an object");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"sessionKey\":\"" + KEY + "\"}{\"sessionKey\":\"" + MARKER + "abcdef\"}",
            "{\"sessionKey\":\"" + KEY + "\"} " + MARKER + "abcdef",
            "{\"sessionKey\":\"" + KEY + "\"}}"})
    void rejectsJsonWithTrailingContent(String body) {
        assertRejected(body, "malformed JSON");
    }

    static Stream<Arguments> invalidUtf8Bodies() {
        byte[] marker = (MARKER + "abcdef").getBytes(StandardCharsets.US_ASCII);
        return Stream.of(
                Arguments.of((Object) concat(marker, new byte[] {(byte) 0xFF})),
                Arguments.of((Object) concat(marker, new byte[] {(byte) 0xC3, 0x28})),
                Arguments.of((Object) concat(new byte[] {(byte) 0xE2, (byte) 0x82}, marker)),
                Arguments.of((Object) concat(marker, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})),
                Arguments.of((Object) concat(marker, new byte[] {(byte) 0xC0, (byte) 0xAF})));
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8Bodies")
    void rejectsInvalidUtf8BytesWithoutEchoingThem(byte[] body) {
        assertRejected(body, "not valid UTF-8");
    }

    @Test
    void rejectsStringBodyOver64KiBWithoutEchoingIt() {
        String body = MARKER + "k".repeat(SessionKeyInput.MAX_BODY_BYTES + 1 - MARKER.length());

        ReportFailedException e = assertRejected(body, "65537 characters");
        assertThat(e.getMessage()).contains("65536");
    }

    @Test
    void rejectsJsonStringBodyOver64KiBBeforeParsingIt() {
        String body = "{\"sessionKey\":\"" + MARKER + "\",\"padding\":\"" + "p".repeat(70_000) + "\"}";

        assertRejected(body, "at most 65536");
    }

    @Test
    void rejectsByteBodyOver64KiBWithoutEchoingIt() {
        byte[] body = (MARKER + "k".repeat(SessionKeyInput.MAX_BODY_BYTES + 1 - MARKER.length()))
                .getBytes(StandardCharsets.UTF_8);

        ReportFailedException e = assertRejected(body, "65537 bytes");
        assertThat(e.getMessage()).contains("65536");
    }

    @Test
    void rejectsIntegerBodyAsNotText() {
        ReportFailedException e = assertRejected(97531864, "not text");
        assertThat(e.getMessage()).contains("Integer").doesNotContain("97531864");
    }

    @Test
    void rejectsMapBodyAsNotTextWithoutEchoingIt() {
        Map<String, String> body = new HashMap<>();
        body.put("sessionKey", MARKER + "abcdef");

        ReportFailedException e = assertRejected(body, "not text");
        assertThat(e.getMessage()).contains("Map");
    }

    @Test
    void rejectsCharArrayAndStringBuilderBodiesAsNotText() {
        assertRejected((MARKER + "abcdef").toCharArray(), "not text");
        assertRejected(new StringBuilder(MARKER + "abcdef"), "not text");
    }

    static Stream<Arguments> keysXmlCannotCarry() {
        return Stream.of(
                Arguments.of("lone high surrogate", MARKER + "abc\uD800def", 10),
                Arguments.of("lone low surrogate", MARKER + "abc\uDC00def", 10),
                Arguments.of("reversed surrogate pair", MARKER + "abc\uDC00\uD800def", 10),
                Arguments.of("noncharacter U+FFFE", MARKER + "abc\uFFFEdef", 10),
                Arguments.of("noncharacter U+FFFF", MARKER + "abc\uFFFFdef", 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysXmlCannotCarry")
    void rejectsKeyWithCharacterXmlCannotCarryWithoutEchoingIt(String description, String key, int position) {
        ReportFailedException e = assertRejected(key, "XML cannot carry");
        assertThat(e.getMessage()).contains("position " + position);
    }

    @Test
    void rejectsCharacterXmlCannotCarryEscapedInJson() {
        assertRejected("{\"sessionKey\":\"" + MARKER + "abc\\ud800def\"}", "XML cannot carry");
    }

    @Test
    void acceptsSupplementaryCharacterAsSurrogatePair() {
        String key = MARKER + "abc\uD83D\uDE00def";

        assertThat(input.sessionKeyOf(key)).isEqualTo(key);
    }

    @Test
    void rejectsJsonWithRepeatedSessionKeyFieldWithoutEchoingEither() {
        ReportFailedException e = assertRejected(
                "{\"sessionKey\":\"" + KEY + "\",\"sessionKey\":\"" + MARKER + "abcdef\"}", "malformed JSON");

        assertThat(e.getMessage()).contains("repeated field").doesNotContain(KEY);
    }

    @Test
    void rejectsObjectMessageBodyWithoutDeserialisingIt() {
        ReportFailedException e = assertRejected(unreadableJmsMessage(ObjectMessage.class), "not text");

        assertThat(e.getMessage()).contains("ObjectMessage");
    }

    @Test
    void rejectsStreamMessageBodyWithoutReadingIt() {
        ReportFailedException e = assertRejected(unreadableJmsMessage(StreamMessage.class), "not text");

        assertThat(e.getMessage()).contains("StreamMessage");
    }

    /** A JMS message of that type that fails the test if any of its methods is called (read, deserialised). */
    private static Object unreadableJmsMessage(Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("toString")) {
                return "unread " + MARKER;
            }
            throw new AssertionError("the message was read: " + method);
        });
    }

    @Test
    void rejectsTwoKeysSeparatedBySpaceWithoutEchoingEither() {
        assertThatThrownBy(() -> input.sessionKeyOf(KEY + " " + KEY))
                .isInstanceOfSatisfying(ReportFailedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.INVALID_INPUT))
                .hasMessageContaining("position 33")
                .hasMessageNotContaining(KEY);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Asserts an INVALID_INPUT rejection whose message names the problem ({@code expectedDetail}) and never contains
     * the body text (when it is at least 4 characters), the key inside it, or the {@link #MARKER}.
     */
    private ReportFailedException assertRejected(Object body, String expectedDetail) {
        Throwable thrown = catchThrowable(() -> input.sessionKeyOf(body));
        assertThat(thrown).as("the body must be rejected, but it was accepted").isInstanceOf(ReportFailedException.class);
        ReportFailedException e = (ReportFailedException) thrown;
        assertThat(e.reason()).isEqualTo(FailureReason.INVALID_INPUT);
        assertThat(e.getMessage()).isNotBlank().contains(expectedDetail);
        assertThat(e.getMessage()).doesNotContain(MARKER);
        String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : body == null ? null : String.valueOf(body);
        if (text != null && text.strip().length() >= 4) {
            assertThat(e.getMessage()).doesNotContain(text.strip());
        }
        assertThat(e.getCause()).isNull();
        return e;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
