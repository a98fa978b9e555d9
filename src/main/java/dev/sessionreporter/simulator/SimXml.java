package dev.sessionreporter.simulator;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The simulator's own XML reading and escaping: a StAX pass that builds a tiny element tree. Deliberately independent
 * of any XML code of the client (no CXF, JAXB, DOM). Uses the JDK's built-in StAX implementation, not Woodstox (which
 * the client uses through CXF), with DTDs and external entities disabled; a DOCTYPE, a processing instruction (other
 * than the XML declaration) or an entity reference makes the request malformed — as WCF's text reader does.
 */
final class SimXml {

    static final String XSI_NS = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    private static final int MAX_DEPTH = 64;
    private static final int MAX_ELEMENTS = 10_000;

    private SimXml() {
    }

    /** Request XML the simulator refuses to read (answered HTTP 400). */
    static final class MalformedXmlException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedXmlException(String message) {
            super(message);
        }
    }

    /** An element: namespace ("" when none), local name, attributes keyed "{ns}local", children and direct text. */
    static final class Node {
        final String namespace;
        final String localName;
        final Map<String, String> attributes;
        final List<Node> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Node(String namespace, String localName, Map<String, String> attributes) {
            this.namespace = namespace == null ? "" : namespace;
            this.localName = localName;
            this.attributes = attributes;
        }

        boolean is(String ns, String local) {
            return namespace.equals(ns) && localName.equals(local);
        }

        String attribute(String ns, String local) {
            return attributes.get("{" + (ns == null ? "" : ns) + "}" + local);
        }

        /** xsi:nil="true" (or "1"). */
        boolean isNil() {
            String nil = attribute(XSI_NS, "nil");
            return nil != null && (nil.trim().equals("true") || nil.trim().equals("1"));
        }

        String text() {
            return text.toString();
        }

        boolean hasNonWhitespaceText() {
            return !text.toString().isBlank();
        }

        List<Node> childrenNamed(String ns, String local) {
            List<Node> found = new ArrayList<>();
            for (Node child : children) {
                if (child.is(ns, local)) {
                    found.add(child);
                }
            }
            return found;
        }

        String describe() {
            return "'" + localName + "' (namespace '" + namespace + "')";
        }
    }

    static Node parse(byte[] document) throws MalformedXmlException {
        return parse(document, StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code document} in {@code charset} (for UTF-16 a byte order mark picks the byte order); bytes that are
     * not valid in it, or a byte order mark of another encoding, make the document malformed.
     */
    static Node parse(byte[] document, Charset charset) throws MalformedXmlException {
        Charset actual = withoutByteOrderMark(document, charset);
        if (actual.equals(StandardCharsets.UTF_8) != charset.equals(StandardCharsets.UTF_8)) {
            throw new MalformedXmlException("malformed XML: the byte order mark does not match charset "
                    + charset.name());
        }
        String text;
        try {
            text = actual.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(document, bomLength(document), document.length - bomLength(document)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedXmlException("malformed XML: the bytes are not valid " + charset.name());
        }
        return parseText(text);
    }

    /** The body as text for the record of received requests: invalid bytes become U+FFFD. */
    static String decodeLeniently(byte[] document, Charset charset) {
        int bom = bomLength(document);
        return new String(document, bom, document.length - bom, withoutByteOrderMark(document, charset));
    }

    private static Charset withoutByteOrderMark(byte[] document, Charset declared) {
        if (document.length >= 2 && (document[0] & 0xFF) == 0xFE && (document[1] & 0xFF) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (document.length >= 2 && (document[0] & 0xFF) == 0xFF && (document[1] & 0xFF) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return declared;
    }

    private static int bomLength(byte[] document) {
        if (document.length >= 3 && (document[0] & 0xFF) == 0xEF && (document[1] & 0xFF) == 0xBB
                && (document[2] & 0xFF) == 0xBF) {
            return 3;
        }
        if (document.length >= 2 && ((document[0] & 0xFF) == 0xFE && (document[1] & 0xFF) == 0xFF
                || (document[0] & 0xFF) == 0xFF && (document[1] & 0xFF) == 0xFE)) {
            return 2;
        }
        return 0;
    }

    private static Node parseText(String document) throws MalformedXmlException {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        factory.setProperty(XMLInputFactory.IS_COALESCING, Boolean.TRUE);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not resolved: " + systemId);
        });
        try {
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        } catch (IllegalArgumentException ignored) {
            // not supported by this implementation; DTDs are rejected below anyway
        }
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(new StringReader(document));
            Deque<Node> stack = new ArrayDeque<>();
            Node root = null;
            int elements = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD:
                        throw new MalformedXmlException("DTDs are not supported (DOCTYPE found)");
                    case XMLStreamConstants.ENTITY_REFERENCE:
                    case XMLStreamConstants.ENTITY_DECLARATION:
                    case XMLStreamConstants.NOTATION_DECLARATION:
                        throw new MalformedXmlException("entity references and declarations are not supported");
                    case XMLStreamConstants.PROCESSING_INSTRUCTION:
                        throw new MalformedXmlException(
                                "processing instructions (other than the XML declaration) are not supported");
                    case XMLStreamConstants.START_ELEMENT: {
                        if (++elements > MAX_ELEMENTS || stack.size() >= MAX_DEPTH) {
                            throw new MalformedXmlException("document too large or too deep");
                        }
                        Map<String, String> attributes = new HashMap<>();
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            String ns = reader.getAttributeNamespace(i);
                            attributes.put("{" + (ns == null ? "" : ns) + "}" + reader.getAttributeLocalName(i),
                                    reader.getAttributeValue(i));
                        }
                        Node node = new Node(reader.getNamespaceURI(), reader.getLocalName(), attributes);
                        if (stack.isEmpty()) {
                            if (root != null) {
                                throw new MalformedXmlException("more than one root element");
                            }
                            root = node;
                        } else {
                            stack.peek().children.add(node);
                        }
                        stack.push(node);
                        break;
                    }
                    case XMLStreamConstants.END_ELEMENT:
                        stack.pop();
                        break;
                    case XMLStreamConstants.CHARACTERS:
                    case XMLStreamConstants.CDATA:
                    case XMLStreamConstants.SPACE:
                        if (!stack.isEmpty()) {
                            stack.peek().text.append(reader.getText());
                        } else if (!reader.getText().isBlank()) {
                            throw new MalformedXmlException("text outside the root element");
                        }
                        break;
                    default:
                        // comments, start/end document
                        break;
                }
            }
            if (root == null) {
                throw new MalformedXmlException("no root element");
            }
            return root;
        } catch (XMLStreamException | RuntimeException e) {
            throw new MalformedXmlException("malformed XML: " + firstLine(e.getMessage()));
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        String trimmed = message.strip();
        int newline = trimmed.lastIndexOf('\n');
        // the JDK parser prefixes "ParseError at [row,col]:" on its own line; keep the explanation
        return newline >= 0 ? trimmed.substring(newline + 1).strip() : trimmed;
    }

    /** Escapes text for element content and attribute values; replaces characters XML 1.0 cannot carry. */
    static String escape(String value) {
        return escape(value, true);
    }

    /** Escapes text for element content only (quotes left as they are, as WCF writes them). */
    static String escapeText(String value) {
        return escape(value, false);
    }

    private static String escape(String value, boolean attribute) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\'' -> out.append(attribute ? "&apos;" : "'");
                case '\t', '\n' -> out.append(c);
                case '\r' -> out.append("&#xD;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
