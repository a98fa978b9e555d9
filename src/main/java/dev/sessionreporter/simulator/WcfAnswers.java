package dev.sessionreporter.simulator;

/** The SOAP answers as WCF writes them (hand-written templates, no XML code shared with the client). */
final class WcfAnswers {
    private static final String SERVICES88_NS = Services88.NS;
    private static final String SOAP11_ENVELOPE_NS = Services88.SOAP11_ENVELOPE_NS;
    private static final String XSI_NS = SimXml.XSI_NS;

    private WcfAnswers() {
    }

    /** HTTP 200 {@code ReportSessionActiveResponse} with this {@code Response}. */
    static Answer reportSessionActive(boolean succeeded, String exceptionInfo, int response) {
        return Answer.of(200, Answer.TEXT_XML_UTF8, envelope(succeeded, exceptionInfo,
                "<ReportSessionActiveResponse xmlns=\"" + SERVICES88_NS + "\"><Response>" + response
                        + "</Response></ReportSessionActiveResponse>"));
    }

    /** The WCF reply envelope: the four response headers, then {@code bodyXml}. */
    static String envelope(boolean succeeded, String exceptionInfo, String bodyXml) {
        String ns = SERVICES88_NS;
        String body = "<s:Envelope xmlns:s=\"" + SOAP11_ENVELOPE_NS + "\"><s:Header>"
                + (exceptionInfo == null
                ? "<ExceptionInfo xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                : exceptionInfo)
                + "<ExtraInfo xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                + "<Succeeded xmlns=\"" + ns + "\">" + succeeded + "</Succeeded>"
                + "<TimeZone xmlns=\"" + ns + "\" xmlns:i=\"" + XSI_NS + "\" i:nil=\"true\"/>"
                + "</s:Header><s:Body>" + bodyXml + "</s:Body></s:Envelope>";
        return body;
    }

    /** The {@code ExceptionInfo} response header of a {@code Succeeded=false} answer. */
    static String exceptionInfo(String message, String friendlyText, String exceptionType, String source) {
        return "<ExceptionInfo xmlns=\"" + SERVICES88_NS + "\" xmlns:i=\"" + XSI_NS + "\">"
                + "<Message>" + SimXml.escapeText(message) + "</Message>"
                + "<StackTrace i:nil=\"true\"/>"
                + "<FriendlyText>" + SimXml.escapeText(friendlyText) + "</FriendlyText>"
                + "<ExceptionType>" + SimXml.escapeText(exceptionType) + "</ExceptionType>"
                + "<Source>" + SimXml.escapeText(source) + "</Source>"
                + "<InnerException i:nil=\"true\"/>"
                + "<Parameters i:nil=\"true\"/>"
                + "</ExceptionInfo>";
    }

    /** HTTP 500 with a SOAP 1.1 fault, as WCF writes it. */
    static Answer fault(String faultCode, String codePrefixNamespace, String faultString) {
        String codeElement = codePrefixNamespace == null
                ? "<faultcode>" + SimXml.escape(faultCode) + "</faultcode>"
                : "<faultcode xmlns:a=\"" + SimXml.escape(codePrefixNamespace) + "\">" + SimXml.escape(faultCode)
                + "</faultcode>";
        String body = "<s:Envelope xmlns:s=\"" + SOAP11_ENVELOPE_NS + "\"><s:Body><s:Fault>" + codeElement
                + "<faultstring xml:lang=\"en-US\">" + SimXml.escapeText(faultString) + "</faultstring>"
                + "</s:Fault></s:Body></s:Envelope>";
        return Answer.of(500, Answer.TEXT_XML_UTF8, body);
    }
}
