package dev.sessionreporter.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.failure.ReporterHeaders;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
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

    // Trailing tokens ({"sessionKey":"a"}{"sessionKey":"b"}) and a repeated field ({"sessionKey":"a","sessionKey":"b"})
    // make the body malformed, not "the first key" or "the last key".
    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Validates the body and stores the key in the exchange property {@link ReporterHeaders#SESSION_KEY_PROPERTY}. */
    public void accept(Exchange exchange) {
        String key = sessionKeyOf(exchange.getIn().getBody());
        exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, key);
    }

    /** The validated key of a message body; throws an {@link FailureReason#INVALID_INPUT} failure otherwise. */
    public String sessionKeyOf(Object body) {
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
        // Object and stream messages, and a text message without text, arrive unread (see
        // broker.OpaqueBodyMessageConverter): never deserialised here.
        if (body instanceof ObjectMessage) {
            throw invalid("the message body is not text but a JMS ObjectMessage (not deserialised)");
        }
        if (body instanceof StreamMessage) {
            throw invalid("the message body is not text but a JMS StreamMessage");
        }
        if (body instanceof TextMessage) {
            throw invalid("the message is a JMS TextMessage without text");
        }
        throw invalid("the message body is not text but " + body.getClass().getSimpleName());
    }

    private String fromJson(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            // Jackson's own message may quote the input, so only its kind and location are told
            String kind = String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field") ? " (a repeated field)" : "";
            throw invalid("malformed JSON" + kind + (location == null ? ""
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
        // The key travels as XML text: a character XML 1.0 cannot carry (a lone surrogate, U+FFFE, U+FFFF) would make
        // the request unwritable or the server answer 400, so it is invalid input, not a server failure.
        for (int i = 0; i < key.length(); ) {
            int c = key.codePointAt(i);
            if (!isXmlCharacter(c)) {
                throw invalid("the session key contains a character XML cannot carry at position " + (i + 1));
            }
            i += Character.charCount(c);
        }
    }

    private static boolean isXmlCharacter(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static ReportFailedException invalid(String detail) {
        return new ReportFailedException(FailureReason.INVALID_INPUT, detail);
    }
}
