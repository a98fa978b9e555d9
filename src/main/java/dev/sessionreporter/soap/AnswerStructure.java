package dev.sessionreporter.soap;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The strict reading of a ReportSessionActive answer that CXF and DOM do not give: they take the first element of a kind
 * and stop at the end of the envelope, so an answer with two readings would be taken as the first. An answer is
 * {@link FailureReason#INVALID_ANSWER} when it has a second Header or Body, more than one element in the Body, bytes
 * after the envelope, a contract element twice under the same parent (other than the two list items), or a header
 * marked {@code mustUnderstand} that the reporter does not know. XML this strict parser does not read (not well-formed,
 * a DTD, names over the JDK's limits) and an envelope without a Body are no SOAP 1.1 answer at all
 * ({@link FailureReason#SOAP_FAULT}, like any other malformed answer): they are not left to CXF's more lenient parser.
 * A well-formed document that is not a SOAP 1.1 envelope (SOAP 1.2, HTML) is left to CXF, which rejects it.
 */
final class AnswerStructure {
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String NS = CustomerServiceContract.NAMESPACE;
    private static final QName ENVELOPE = new QName(SOAP11, "Envelope");
    private static final QName HEADER = new QName(SOAP11, "Header");
    private static final QName BODY = new QName(SOAP11, "Body");
    /** The answer headers of the contract: the reporter understands them, whatever mustUnderstand says. */
    private static final Set<QName> KNOWN_HEADERS = Set.of(CustomerServiceContract.EXCEPTION_INFO,
            new QName(NS, "ExtraInfo"), CustomerServiceContract.SUCCEEDED, new QName(NS, "TimeZone"));
    /** The contract's only elements with maxOccurs="unbounded". */
    private static final Set<QName> LIST_ITEMS = Set.of(new QName(NS, "ExtraInfoNameValuePair"),
            new QName(NS, "SoExceptionInfoParametersKeyValuePair"));
    private static final int MAX_NAME = 80;
    private static final XMLInputFactory FACTORY = strictFactory();

    private AnswerStructure() {
    }

    /** Throws {@link ReportFailedException} if {@code answer}, the whole HTTP body, is ambiguous or has no Body. */
    static void check(byte[] answer) {
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(answer));
            checkEnvelope(reader);
        } catch (XMLStreamException e) {
            // also what CXF's parser might still read: a DTD, a name over the JDK's limits
            throw new ReportFailedException(FailureReason.SOAP_FAULT, "malformed answer: not well-formed XML ("
                    + limited(e.getMessage() == null ? "no detail" : e.getMessage().replaceAll("\\s+", " ")) + ")");
        } finally {
            close(reader);
        }
    }

    private static void checkEnvelope(XMLStreamReader reader) throws XMLStreamException {
        if (reader.nextTag() != XMLStreamConstants.START_ELEMENT || !ENVELOPE.equals(reader.getName())) {
            return; // not a SOAP 1.1 envelope: CXF reports it
        }
        // the open elements of the envelope and the contract, each with the names of its children so far
        Deque<QName> open = new ArrayDeque<>();
        Deque<Set<QName>> children = new ArrayDeque<>();
        open.push(ENVELOPE);
        children.push(new HashSet<>());
        int bodyElements = 0;
        boolean body = false;
        while (!open.isEmpty()) {
            int event = reader.next();
            if (event == XMLStreamConstants.END_ELEMENT) {
                open.pop();
                children.pop();
            } else if (event == XMLStreamConstants.START_ELEMENT) {
                QName name = reader.getName();
                QName parent = open.peek();
                if (BODY.equals(parent) && ++bodyElements > 1) {
                    throw ambiguous("the Body has more than one element");
                }
                if (!children.peek().add(name) && isChecked(name) && !LIST_ITEMS.contains(name)) {
                    throw ambiguous(describe(name) + " twice in " + describe(parent));
                }
                if (HEADER.equals(parent) && mustUnderstand(reader) && !KNOWN_HEADERS.contains(name)) {
                    throw ambiguous("the header " + describe(name)
                            + " is marked mustUnderstand, and the reporter does not understand it");
                }
                body |= BODY.equals(name) && ENVELOPE.equals(parent);
                if (isChecked(name)) {
                    open.push(name);
                    children.push(new HashSet<>());
                } else {
                    skipElement(reader);
                }
            }
        }
        if (!body) {
            throw new ReportFailedException(FailureReason.SOAP_FAULT, "malformed answer: the envelope has no Body");
        }
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event != XMLStreamConstants.END_DOCUMENT && !reader.isWhiteSpace()) {
                    throw ambiguous("bytes after the envelope");
                }
            }
        } catch (XMLStreamException e) {
            throw ambiguous("bytes after the envelope");
        }
    }

    /** Skips an element outside the contract (an unknown header's content): the reporter does not read it. */
    private static void skipElement(XMLStreamReader reader) throws XMLStreamException {
        for (int depth = 1; depth > 0; ) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** The envelope's own elements and the contract's namespace; anything else is not read by the reporter. */
    private static boolean isChecked(QName name) {
        return SOAP11.equals(name.getNamespaceURI()) || NS.equals(name.getNamespaceURI());
    }

    private static boolean mustUnderstand(XMLStreamReader reader) {
        String value = reader.getAttributeValue(SOAP11, "mustUnderstand");
        return value != null && ("1".equals(value.strip()) || "true".equals(value.strip()));
    }

    private static String describe(QName name) {
        String text = NS.equals(name.getNamespaceURI()) || SOAP11.equals(name.getNamespaceURI())
                ? name.getLocalPart() : name.toString();
        return text.length() > MAX_NAME ? text.substring(0, MAX_NAME) + "…" : text;
    }

    private static void close(XMLStreamReader reader) {
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (XMLStreamException e) {
            // nothing held open: the source is a byte array
        }
    }

    private static String limited(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static ReportFailedException ambiguous(String detail) {
        return new ReportFailedException(FailureReason.INVALID_ANSWER, "ambiguous answer: " + detail);
    }

    /** The JDK's own StAX parser, with DTDs and external entities off (the answer is untrusted). */
    private static XMLInputFactory strictFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return factory;
    }
}
