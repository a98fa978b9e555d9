package dev.sessionreporter.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the simulator answers one request: status, content type (null = no body), body, extra headers, or drop the
 * connection. Written as IIS sends it ({@code Server: Microsoft-IIS/10.0}).
 */
record Answer(int status, String contentType, String body, Map<String, String> headers, boolean drop) {

    static final String TEXT_XML_UTF8 = "text/xml; charset=utf-8";
    static final String TEXT_HTML_UTF8 = "text/html; charset=utf-8";

    static Answer of(int status, String contentType, String body) {
        return new Answer(status, contentType, body, Map.of(), false);
    }

    /** A status without a body, as WCF answers what it cannot read as a message. */
    static Answer empty(int status) {
        return new Answer(status, null, null, Map.of(), false);
    }

    /** No answer at all: the connection is closed. */
    static Answer dropped() {
        return new Answer(0, null, null, Map.of(), true);
    }

    /** IIS's small HTML error page for {@code status}, with these extra headers. */
    static Answer htmlPage(int status, String reason, Map<String, String> headers) {
        return new Answer(status, TEXT_HTML_UTF8, "<!DOCTYPE html><html><head><title>" + status + " "
                + SimXml.escapeText(reason) + "</title></head><body><h1>" + status + " " + SimXml.escapeText(reason)
                + "</h1></body></html>", headers, false);
    }

    static Answer htmlPage(int status, String reason) {
        return htmlPage(status, reason, Map.of());
    }

    /** The answer on the wire, after {@code delay}; a {@code Connection: close} header closes the connection. */
    SimHttpServer.Response toResponse(Duration delay) {
        Map<String, String> wireHeaders = new LinkedHashMap<>();
        wireHeaders.put("Server", "Microsoft-IIS/10.0");
        if (contentType != null) {
            wireHeaders.put("Content-Type", contentType);
        }
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Connection")) {
                wireHeaders.put(name, value);
            }
        });
        boolean close = headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("Connection"))
                && "close".equalsIgnoreCase(headers.entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("Connection")).findFirst().get().getValue());
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new SimHttpServer.Response(status, wireHeaders, bytes, drop, close, delay);
    }
}
