package dev.sessionreporter.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What WCF's operation formatter (DataContractSerializer) refuses while it deserializes the header entries and the
 * body of a well-formed envelope: answered as a 500 fault, {@code a:DeserializationFailed} or, for an unknown header
 * with {@code mustUnderstand}, {@code s:MustUnderstand}. Unknown or repeated elements inside the operation are
 * skipped, as the formatter does.
 */
final class OperationFormatter {
    private static final String SERVICES88_NS = Services88.NS;
    private static final String SOAP11_ENVELOPE_NS = Services88.SOAP11_ENVELOPE_NS;
    private static final String WCF_DISPATCHER_NS =
            "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";

    private OperationFormatter() {
    }

    /**
     * Checks the headers, the body, then what follows the body ({@code afterBody}, the problem found there or null)
     * for {@code exchange.operation}; true when they deserialize, else {@code exchange} is rejected with the fault.
     */
    static boolean deserializes(Exchange exchange, SimXml.Node header, SimXml.Node body, String afterBody) {
        SoapOperation operation = exchange.operation;
        String problem = header == null ? null : checkHeaders(header, operation);
        if (problem != null) {
            String code = problem.startsWith("The header '") ? "s:MustUnderstand" : "a:DeserializationFailed";
            exchange.reject(WcfAnswers.fault(code, code.startsWith("a:") ? WCF_DISPATCHER_NS : null, problem), problem);
            return false;
        }
        problem = checkBody(body, operation);
        if (problem == null) {
            problem = afterBody;
        }
        if (problem != null) {
            exchange.reject(WcfAnswers.fault("a:DeserializationFailed", WCF_DISPATCHER_NS, problem), problem);
            return false;
        }
        return true;
    }

    /**
     * The parameters WCF's operation formatter takes from the wrapper element, by name: each child is matched against
     * the parameters not yet passed, in declaration order; a child that matches none of them (unknown, repeated or out
     * of order) is skipped (DataContractSerializerOperationFormatter.DeserializeParameters, TraceAndSkipElement).
     */
    static Map<String, SimXml.Node> acceptedParameters(SimXml.Node wrapper, SoapOperation op) {
        Map<String, SimXml.Node> accepted = new LinkedHashMap<>();
        int next = 0;
        for (SimXml.Node child : wrapper.children) {
            for (int i = next; i < op.parameters().size(); i++) {
                if (child.is(SERVICES88_NS, op.parameters().get(i))) {
                    accepted.put(op.parameters().get(i), child);
                    next = i + 1;
                    break;
                }
            }
        }
        return accepted;
    }

    /** Validates the header entries as WCF's formatter would; returns the problem or null. */
    private static String checkHeaders(SimXml.Node header, SoapOperation operation) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (SimXml.Node entry : header.children) {
            boolean known = entry.namespace.equals(SERVICES88_NS) && operation.headers().contains(entry.localName);
            if (!known) {
                String mustUnderstand = entry.attribute(SOAP11_ENVELOPE_NS, "mustUnderstand");
                if (mustUnderstand != null && (mustUnderstand.strip().equals("1")
                        || mustUnderstand.strip().equals("true"))) {
                    return "The header '" + entry.localName + "' from the namespace '" + entry.namespace
                            + "' was not understood by the recipient of this message, causing the message to not be"
                            + " processed.  This error typically indicates that the sender of this message has"
                            + " enabled a communication protocol that the receiver cannot process.";
                }
                continue;
            }
            if (seen.merge(entry.localName, 1, Integer::sum) > 1) {
                return "Multiple headers with name '" + entry.localName + "' and namespace '" + SERVICES88_NS
                        + "' found.";
            }
            String problem = switch (entry.localName) {
                case "ApplicationToken" -> simpleValue(entry);
                case "Credentials" -> checkChildren(entry, "Ticket");
                default -> checkTimeZone(entry);
            };
            if (problem != null) {
                return "The formatter threw an exception while trying to deserialize the message: header "
                        + entry.describe() + ": " + problem;
            }
        }
        return null;
    }

    private static String checkChildren(SimXml.Node parent, String... allowed) {
        if (parent.isNil()) {
            return null;
        }
        if (parent.hasNonWhitespaceText()) {
            return "unexpected text content";
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (SimXml.Node child : parent.children) {
            if (child.namespace.equals(SERVICES88_NS) && List.of(allowed).contains(child.localName)) {
                if (seen.merge(child.localName, 1, Integer::sum) > 1) {
                    return "element " + child.describe() + " occurs more than once";
                }
                String problem = simpleValue(child);
                if (problem != null) {
                    return problem;
                }
            }
            // other elements are ignored, as DataContractSerializer does
        }
        return null;
    }

    private static String checkTimeZone(SimXml.Node timeZone) {
        String problem = checkChildren(timeZone, "SoTimeZoneId", "SoTimeZoneLocationCode");
        if (problem != null) {
            return problem;
        }
        for (SimXml.Node id : timeZone.childrenNamed(SERVICES88_NS, "SoTimeZoneId")) {
            if (id.isNil()) {
                return "SoTimeZoneId is not nillable";
            }
            try {
                Integer.parseInt(id.text().strip());
            } catch (NumberFormatException e) {
                return "SoTimeZoneId is not a valid int";
            }
        }
        return null;
    }

    private static String simpleValue(SimXml.Node node) {
        if (!node.children.isEmpty()) {
            return "element " + node.describe() + " must hold text only, found child element "
                    + node.children.get(0).describe();
        }
        if (node.isNil() && node.hasNonWhitespaceText()) {
            return "element " + node.describe() + " is nil but has content";
        }
        return null;
    }

    /** Validates the body as WCF's operation formatter would; returns the problem or null. */
    private static String checkBody(SimXml.Node body, SoapOperation op) {
        String name = op.name();
        if (body.hasNonWhitespaceText()) {
            return "The formatter threw an exception while trying to deserialize the message: unexpected text in the"
                    + " SOAP Body.";
        }
        if (body.children.isEmpty()) {
            return "OperationFormatter encountered an invalid Message body. Expected to find node type 'Element'"
                    + " with name '" + name + "' and namespace '" + SERVICES88_NS
                    + "'. Found node type 'EndElement' with name 'Body' and namespace '" + SOAP11_ENVELOPE_NS + "'";
        }
        SimXml.Node operation = body.children.get(0);
        if (!operation.is(SERVICES88_NS, name)) {
            return "OperationFormatter encountered an invalid Message body. Expected to find node type 'Element'"
                    + " with name '" + name + "' and namespace '" + SERVICES88_NS
                    + "'. Found node type 'Element' with name '" + operation.localName + "' and namespace '"
                    + operation.namespace + "'";
        }
        // after the wrapper the formatter expects </Body> (Message.ReadFromBodyContentsToEnd): an XmlException
        if (body.children.size() > 1) {
            return "The message body holds more than one element; found " + body.children.get(1).describe()
                    + " after '" + name + "'.";
        }
        if (operation.hasNonWhitespaceText()) {
            return "The formatter threw an exception while trying to deserialize the message: unexpected text in"
                    + " '" + name + "'.";
        }
        for (SimXml.Node parameter : acceptedParameters(operation, op).values()) {
            String problem = simpleValue(parameter);
            if (problem != null) {
                return "The formatter threw an exception while trying to deserialize the message: " + problem;
            }
        }
        return null;
    }
}
