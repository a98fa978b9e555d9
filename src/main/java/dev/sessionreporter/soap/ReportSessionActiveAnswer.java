package dev.sessionreporter.soap;

import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.secret.SecretRedactor;
import java.util.List;
import javax.xml.namespace.QName;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.cxf.binding.soap.SoapHeader;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a ReportSessionActive answer the way SuperOffice's own proxies do: a 200 answer is not success by itself.
 * {@code Succeeded=true} with {@code Response > 0} is a success; {@code Response = 0} means the session was not found;
 * {@code Succeeded=false} carries the server's {@code ExceptionInfo}. A missing, negative or out-of-range
 * {@code Response} is an invalid answer; anything else is a malformed answer. (Ambiguous answers never get here:
 * {@link StrictAnswerInterceptor} rejects them before CXF reads the first of two readings.)
 */
public class ReportSessionActiveAnswer {
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final int MAX_DETAIL = 500;

    private final SecretRedactor redactor;
    private final CredentialRejection credentialRejection;

    public ReportSessionActiveAnswer(SecretRedactor redactor, CredentialRejection credentialRejection) {
        this.redactor = redactor;
        this.credentialRejection = credentialRejection;
    }

    /**
     * The login id of the answer in the body, for the key in {@link ReporterHeaders#SESSION_KEY_PROPERTY}; throws
     * {@link ReportFailedException} for every answer that is not a success.
     */
    public int loginIdOf(Exchange exchange) {
        return loginIdFrom(exchange.getIn().getBody(), exchange.getProperty(ReporterHeaders.SESSION_KEY_PROPERTY, String.class),
                exchange.getProperty(ReporterHeaders.TICKET_USED_PROPERTY, String.class));
    }

    int loginIdFrom(Object body, String sessionKey) {
        return loginIdFrom(body, sessionKey, null);
    }

    /** {@code ticketUsed}: the ticket of the call, redacted from the server's text like the configured secrets. */
    int loginIdFrom(Object body, String sessionKey, String ticketUsed) {
        if (!(body instanceof CxfPayload<?> payload)) {
            throw malformed("the answer is not a SOAP payload but " + (body == null ? "empty" : body.getClass().getSimpleName()));
        }
        Element succeeded = header(payload, CustomerServiceContract.SUCCEEDED);
        if (succeeded == null) {
            throw malformed("the answer has no Succeeded header");
        }
        String succeededText = succeeded.getTextContent().strip();
        // xsd:boolean: true/false or 1/0
        if ("false".equals(succeededText) || "0".equals(succeededText)) {
            Element info = header(payload, CustomerServiceContract.EXCEPTION_INFO);
            String detail = "Succeeded=false: " + exceptionInfo(info, sessionKey, ticketUsed);
            if (credentialsRejected(info)) {
                throw new CredentialsRejectedException(detail);
            }
            throw new ReportFailedException(FailureReason.SERVER_REJECTED, detail);
        }
        if (!"true".equals(succeededText) && !"1".equals(succeededText)) {
            throw malformed("the Succeeded header is not a boolean");
        }
        Element response = firstBodyElement(payload);
        if (response == null || !CustomerServiceContract.RESPONSE_ELEMENT.equals(qname(response))) {
            throw malformed("the answer body is not a ReportSessionActiveResponse");
        }
        return loginId(child(response, "Response"));
    }

    /**
     * Only a login id ({@code > 0}) or {@code 0} (session not found) is an answer; a missing, negative or out-of-range
     * Response is neither, and reading it as 0 would dead-letter a session the server may well know.
     */
    private static int loginId(Element value) {
        if (value == null) {
            throw invalid("the answer has no Response element");
        }
        String text = value.getTextContent().strip();
        if (!text.matches("[+-]?[0-9]+")) {
            throw malformed("the Response element is not an int");
        }
        // xsd:int allows a sign and leading zeros; more than 10 digits after them cannot be an int
        String digits = text.replaceFirst("^[+-]?0*", "");
        long number = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(text);
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw invalid("the Response element is out of range for an int");
        }
        int loginId = (int) number;
        if (loginId < 0) {
            throw invalid("Response=" + loginId + " is not a login id");
        }
        if (loginId == 0) {
            throw new ReportFailedException(FailureReason.SESSION_NOT_FOUND,
                    "Response=0: the server does not know this session (unknown or expired key)");
        }
        return loginId;
    }

    /** ExceptionType (or the InnerException's) first, Message only by a configured fallback; see CredentialRejection. */
    private boolean credentialsRejected(Element exceptionInfo) {
        if (credentialRejection == null || exceptionInfo == null || isNil(exceptionInfo)) {
            return false;
        }
        Element inner = child(exceptionInfo, "InnerException");
        return credentialRejection.matches(text(child(exceptionInfo, "ExceptionType")),
                inner == null ? null : text(child(inner, "ExceptionType")), text(child(exceptionInfo, "Message")));
    }

    /** The server's ExceptionInfo as the operator needs it: type, message and the inner exception's, redacted. */
    private String exceptionInfo(Element exceptionInfo, String sessionKey, String ticketUsed) {
        if (exceptionInfo == null || isNil(exceptionInfo)) {
            return "no ExceptionInfo";
        }
        String detail = typeAndMessage(exceptionInfo);
        Element inner = child(exceptionInfo, "InnerException");
        if (inner != null && !isNil(inner)) {
            detail = detail + " (inner: " + typeAndMessage(inner) + ")";
        }
        detail = redactor.redact(detail, sessionKey, ticketUsed);
        return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "…" : detail;
    }

    private static String typeAndMessage(Element exceptionInfo) {
        String type = text(child(exceptionInfo, "ExceptionType"));
        String message = text(child(exceptionInfo, "Message"));
        return (type == null ? "" : type + ": ") + (message == null ? "(no message)" : message);
    }

    private static ReportFailedException invalid(String detail) {
        return new ReportFailedException(FailureReason.INVALID_ANSWER, "invalid answer: " + detail);
    }

    private static ReportFailedException malformed(String detail) {
        return new ReportFailedException(FailureReason.SOAP_FAULT, "malformed answer: " + detail);
    }

    private static Element header(CxfPayload<?> payload, QName name) {
        for (Object header : payload.getHeaders()) {
            if (header instanceof SoapHeader soapHeader && name.equals(soapHeader.getName())
                    && soapHeader.getObject() instanceof Element element) {
                return element;
            }
        }
        return null;
    }

    /**
     * The answer's first body element as CXF read it. {@link CxfPayload#getBody()} would copy each body source into a
     * new document for every answer; the DOM CXF built is read in place, other sources are converted.
     */
    private static Element firstBodyElement(CxfPayload<?> payload) {
        List<Source> sources = payload.getBodySources();
        if (sources.isEmpty()) {
            return null;
        }
        if (sources.get(0) instanceof DOMSource dom) {
            if (dom.getNode() instanceof Element element) {
                return element;
            }
            if (dom.getNode() instanceof Document document) {
                return document.getDocumentElement();
            }
        }
        List<Element> elements = payload.getBody();
        return elements.isEmpty() ? null : elements.get(0);
    }

    private static Element child(Element parent, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && localName.equals(element.getLocalName())
                    && CustomerServiceContract.NAMESPACE.equals(element.getNamespaceURI())) {
                return element;
            }
        }
        return null;
    }

    private static String text(Element element) {
        return element == null || isNil(element) ? null : element.getTextContent().strip();
    }

    private static boolean isNil(Element element) {
        return "true".equals(element.getAttributeNS(XSI, "nil"));
    }

    private static QName qname(Element element) {
        return new QName(element.getNamespaceURI(), element.getLocalName());
    }
}
