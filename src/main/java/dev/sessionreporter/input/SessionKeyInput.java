package dev.sessionreporter.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.failure.ReporterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/**
 * Reads a session key from a trigger message — the bare key, or JSON {@code {"sessionKey":"..."}} — and validates it
 * before the server is ever called. Rejections are {@link FailureReason#INVALID_INPUT} failures whose detail never
 * contains the key itself.
 */
public class SessionKeyInput {
    /** Longest key accepted; SuperOffice's keys are 32 characters. */
    public static final int MAX_KEY_LENGTH = 256;
    /** Larger bodies are rejected before they are decoded or parsed. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    // Trailing tokens ({"sessionKey":"a"}{"sessionKey":"b"}) make the body malformed, not "the first key".
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Validates the body and stores the key in the exchange property {@link ReporterHeaders#SESSION_KEY_PROPERTY}. */
    public void accept(Exchange exchange) {
        String key = sessionKeyOf(exchange.getIn().getBody());
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, key);
    }

    String sessionKeyOf(Object body) {
        String text = textOf(body).strip();
        // "[" too: a JSON array is malformed input, not a key that happens to start with a bracket
        String key = text.startsWith("{") || text.startsWith("[") ? fromJson(text) : text;
        validate(key);
        return key;
    }

    private static String textOf(Object body) {
        if (body == null) {
            throw invalid("the message has no body");
        }
        if (body instanceof String text) {
            if (text.length() > MAX_BODY_BYTES) {
                throw invalid("the message body has " + text.length() + " characters; at most " + MAX_BODY_BYTES + " are read");
            }
            return text;
        }
        if (body instanceof byte[] bytes) {
            if (bytes.length > MAX_BODY_BYTES) {
                throw invalid("the message body has " + bytes.length + " bytes; at most " + MAX_BODY_BYTES + " are read");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw invalid("the message body is not valid UTF-8 text");
            }
        }
        throw invalid("the message body is not text but " + body.getClass().getSimpleName());
    }

    private String fromJson(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw invalid("malformed JSON" + (location == null ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr()));
        }
        if (node == null || !node.isObject()) {
            throw invalid("the JSON body is not an object {\"sessionKey\":\"...\"}");
        }
        JsonNode key = node.get("sessionKey");
        if (key == null || !key.isTextual()) {
            throw invalid("the JSON body has no string field \"sessionKey\"");
        }
        return key.textValue();
    }

    static void validate(String key) {
        if (key.isEmpty()) {
            throw invalid("the session key is blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw invalid("the session key has " + key.length() + " characters; at most " + MAX_KEY_LENGTH + " are allowed");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT) {
                throw invalid("the session key contains whitespace or a control character at position " + (i + 1));
            }
        }
    }

    private static ReportFailedException invalid(String detail) {
        return new ReportFailedException(FailureReason.INVALID_INPUT, detail);
    }
}
