package dev.sessionreporter.simulator;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What WCF (basicHttpBinding, SOAP 1.1) checks of a request before an operation sees it, in its order: method and
 * path, content type, well-formed XML, the envelope's version and structure, the SOAPAction, then what the
 * {@link OperationFormatter} deserializes. The first failing check answers, as the real server would; see
 * {@link CustomerServiceSimulator} for the list.
 */
final class SoapRequestChecks {
    private static final String SOAP11_ENVELOPE_NS = Services88.SOAP11_ENVELOPE_NS;
    private static final String SOAP12_ENVELOPE_NS = Services88.SOAP12_ENVELOPE_NS;
    private static final String SERVICES88_NS = Services88.NS;
    private static final String WCF_ADDRESSING_NONE_NS = "http://schemas.microsoft.com/ws/2005/05/addressing/none";

    private SoapRequestChecks() {
    }

    /**
     * Runs the checks on a request to a SOAP endpoint and sets {@code exchange.operation}. Returns the operation's
     * wrapper element (the only child of {@code s:Body}) when all passed; null when {@code exchange} was rejected.
     */
    static SimXml.Node accept(Exchange exchange, byte[] bytes, Charset charset) {
        if (!"POST".equals(exchange.method)) {
            exchange.reject(Answer.htmlPage(405, "Method Not Allowed", Map.of("Allow", "POST")),
                    "method not allowed: " + exchange.method);
            return null;
        }
        if (isServicePath(exchange.path, Services88.CUSTOMER_SERVICE_PATH)) {
            exchange.operation = SoapOperation.REPORT_SESSION_ACTIVE;
        } else if (isServicePath(exchange.path, Services88.SO_PRINCIPAL_PATH)) {
            exchange.operation = SoapOperation.AUTHENTICATE_USERNAME_PASSWORD;
        } else {
            exchange.reject(Answer.htmlPage(404, "Not Found"), "unknown path: " + exchange.path);
            return null;
        }
        String contentType = exchange.header("content-type");
        if (charset == null) {
            // WCF explains a 415 in the status line only (CoreWCF HttpRequestContext.SendResponseAndCloseAsync)
            exchange.reject(Answer.empty(415), "unsupported content type: " + contentType);
            return null;
        }
        SimXml.Node envelope;
        try {
            envelope = SimXml.parse(bytes, charset);
        } catch (SimXml.MalformedXmlException e) {
            exchange.reject(Answer.empty(400), e.getMessage());
            return null;
        }
        if (!envelope.localName.equals("Envelope")) {
            exchange.reject(Answer.empty(400), "not a SOAP envelope: root element " + envelope.describe());
            return null;
        }
        exchange.envelopeNamespace = envelope.namespace;
        exchange.noteSentValues(envelope);

        // WCF's Soap11 text encoder refuses any other envelope version while reading the message: 400, no body
        if (!envelope.namespace.equals(SOAP11_ENVELOPE_NS)) {
            exchange.reject(Answer.empty(400), "SOAP envelope version mismatch: " + envelope.namespace
                    + (envelope.namespace.equals(SOAP12_ENVELOPE_NS) ? " (SOAP 1.2)" : ""));
            return null;
        }

        // envelope structure while the message is read: [Header] Body, else 400 with no body; what follows the Body
        // is read only by the operation formatter (Message.ReadFromBodyContentsToEnd): a DeserializationFailed fault
        SimXml.Node header = null;
        SimXml.Node body = null;
        String problem = null;
        String afterBody = null;
        for (SimXml.Node child : envelope.children) {
            if (body != null) {
                afterBody = "The formatter threw an exception while trying to deserialize the message: unexpected"
                        + " element " + child.describe() + " after the SOAP Body.";
                break;
            }
            if (child.is(SOAP11_ENVELOPE_NS, "Header") && header == null) {
                header = child;
            } else if (child.is(SOAP11_ENVELOPE_NS, "Body")) {
                body = child;
            } else if (child.namespace.equals(SERVICES88_NS)) {
                problem = "header entry " + child.describe() + " directly under the SOAP Envelope, outside s:Header";
                break;
            } else {
                problem = "unexpected element " + child.describe() + " in the SOAP Envelope before the Body";
                break;
            }
        }
        if (problem == null && (envelope.hasNonWhitespaceText() || (header != null && header.hasNonWhitespaceText()))) {
            problem = "text content in the SOAP Envelope or Header";
        }
        if (problem == null && body == null) {
            problem = "the SOAP Envelope has no Body element";
        }
        if (problem != null) {
            exchange.reject(Answer.empty(400), problem);
            return null;
        }
        if (rejectsSoapAction(exchange)) {
            return null;
        }
        return OperationFormatter.deserializes(exchange, header, body, afterBody) ? body.children.get(0) : null;
    }

    /** Dispatch by SOAPAction, as WCF does: taken with or without its quotes (stripped only when present). */
    private static boolean rejectsSoapAction(Exchange exchange) {
        List<String> actions = exchange.headers.getOrDefault("soapaction", List.of());
        SoapOperation operation = exchange.operation;
        if (actions.size() == 1 && unquote(operation.soapAction()).equals(unquote(actions.get(0)))) {
            return false;
        }
        String action = actions.isEmpty() ? "" : unquote(String.join(",", actions));
        String mismatch = "The message with Action '" + action + "' cannot be processed at the receiver, due to a"
                + " ContractFilter mismatch at the EndpointDispatcher. This may be because of either a contract"
                + " mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch"
                + " between the sender and the receiver.  Check that sender and receiver have the same contract"
                + " and the same binding (including security requirements, e.g. Message, Transport, None)."
                + " Expected SOAPAction header " + operation.soapAction() + ".";
        exchange.reject(WcfAnswers.fault("a:ActionNotSupported", WCF_ADDRESSING_NONE_NS, mismatch),
                actions.isEmpty() ? "missing SOAPAction" : "wrong SOAPAction: " + String.join(",", actions));
        return true;
    }

    /**
     * Whether {@code path} is {@code /<site or tenant>/Remote/Services88/<service>.svc}: at most one path segment
     * before {@code /Remote/} (an on-site NetServer may sit at the site root), case-insensitive as IIS. Anything else is 404, as on the real server; a doubled
     * {@code .../Remote/Services86/Remote/Services88/...} included.
     */
    static boolean isServicePath(String path, String servicePath) {
        if (path == null || !path.toLowerCase(Locale.ROOT).endsWith(servicePath.toLowerCase(Locale.ROOT))) {
            return false;
        }
        String prefix = path.substring(0, path.length() - servicePath.length());
        return prefix.isEmpty() || (prefix.length() > 1 && prefix.charAt(0) == '/' && prefix.indexOf('/', 1) < 0);
    }

    /**
     * The charset of a SOAP 1.1 request: {@code text/xml} with charset utf-8, utf-16 (little-endian unless a byte order
     * mark says otherwise, as .NET's Unicode), utf-16le or utf-16be, or none (utf-8) — the encodings WCF's text
     * encoder reads (CoreWCF TextMessageEncoder). Null for anything else, answered 415 ({@code application/soap+xml}
     * included).
     */
    static Charset requestCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("text/xml")) {
            return null;
        }
        Charset charset = StandardCharsets.UTF_8;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                charset = switch (unquote(parameter.substring(eq + 1).strip()).toLowerCase(Locale.ROOT)) {
                    case "utf-8" -> StandardCharsets.UTF_8;
                    case "utf-16", "utf-16le" -> StandardCharsets.UTF_16LE;
                    case "utf-16be" -> StandardCharsets.UTF_16BE;
                    default -> null;
                };
            }
        }
        return charset;
    }

    private static String unquote(String value) {
        String v = value.strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
