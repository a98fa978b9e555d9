package dev.sessionreporter.soap;

import java.util.List;
import java.util.Map;
import org.apache.cxf.message.Message;

/** The HTTP headers of an answer as CXF keeps them, looked up by name whatever their case. */
final class ProtocolHeaders {
    private ProtocolHeaders() {
    }

    /** Every value of header {@code name}, or an empty list. */
    static List<String> values(Message message, String name) {
        if (message.get(Message.PROTOCOL_HEADERS) instanceof Map<?, ?> headers) {
            for (Map.Entry<?, ?> header : headers.entrySet()) {
                if (header.getKey() instanceof String key && name.equalsIgnoreCase(key)
                        && header.getValue() instanceof List<?> values) {
                    return values.stream().map(String::valueOf).toList();
                }
            }
        }
        return List.of();
    }
}
