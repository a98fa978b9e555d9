package dev.sessionreporter.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionreporter.auth.CredentialRejection;
import dev.sessionreporter.failure.CredentialsRejectedException;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.secret.SessionKeyMask;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.cxf.binding.soap.SoapHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class ReportSessionActiveAnswerTest {

    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String TICKET = "7T:secret-ticket-value";
    private static final String KEY = "Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0";

    private final ReportSessionActiveAnswer answer = new ReportSessionActiveAnswer(new SecretRedactor(TICKET),
            CredentialRejection.fromSettings("types", "SoCredentialsException,SoTicketException", "pattern", ""));

    // ---------------------------------------------------------------- success

    @Test
    void returnsLoginIdWhenSucceededAndResponseIsPositive() {
        CxfPayload<SoapHeader> payload = payload(List.of(succeeded("true")), response("<Response>42</Response>"));

        assertThat(answer.loginIdFrom(payload, KEY)).isEqualTo(42);
    }

    /** CXF hands the body over as the DOM it read (checked in place); any other kind of source is converted first. */
    @Test
    void readsTheBodyWhateverKindOfSourceItIs() throws Exception {
        List<SoapHeader> headers = List.of(succeeded("true"));
        String body = response("<Response>43</Response>");
        Source stream = new StreamSource(new StringReader(body));
        Source document = new DOMSource(parse(body).getOwnerDocument());

        for (Source source : List.of(stream, document)) {
            CxfPayload<SoapHeader> payload = new CxfPayload<>(new ArrayList<>(headers), new ArrayList<>(List.of(source)), null);
            assertThat(answer.loginIdFrom(payload, KEY)).as(source.getClass().getSimpleName()).isEqualTo(43);
        }
    }

    @Test
    void returnsLoginIdFromFullWcfStyleAnswer() {
        List<SoapHeader> headers = List.of(
                header("<ExceptionInfo xmlns='" + NS + "' xmlns:i='" + XSI + "' i:nil='true'/>"),
                header("<ExtraInfo xmlns='" + NS + "'/>"),
                header("<Succeeded xmlns='" + NS + "'>true</Succeeded>"),
                header("<TimeZone xmlns='" + NS + "' xmlns:i='" + XSI + "' i:nil='true'/>"));
        String body = "<s:ReportSessionActiveResponse xmlns:s='" + NS + "'>\n  <s:Response> 2147483647 </s:Response>\n"
                + "</s:ReportSessionActiveResponse>";

        assertThat(answer.loginIdFrom(payload(headers, body), KEY)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void acceptsSucceededWithSurroundingWhitespaceAndPrefix() {
        SoapHeader succeeded = header("<so:Succeeded xmlns:so='" + NS + "'>\n true \n</so:Succeeded>");

        assertThat(answer.loginIdFrom(payload(List.of(succeeded), response("<Response>7</Response>")), KEY)).isEqualTo(7);
    }

    @Test
    void acceptsXsdBooleanOneAsSucceeded() {
        assertThat(answer.loginIdFrom(payload(List.of(succeeded("1")), response("<Response>42</Response>")), KEY))
                .isEqualTo(42);
    }

    // ---------------------------------------------------------------- session not found

    @Test
    void reportsSessionNotFoundWhenResponseIsZero() {
        ReportFailedException e = failure(payload(List.of(succeeded("true")), response("<Response>0</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SESSION_NOT_FOUND);
        assertThat(e.getMessage()).contains("Response=0");
    }

    /** minOccurs=0 makes an absent Response schema-valid, but only 0 means "not found": absent is no answer. */
    @Test
    void reportsInvalidAnswerWhenResponseElementIsAbsent() {
        ReportFailedException e = failure(payload(List.of(succeeded("true")), response("")));

        assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ANSWER);
        assertThat(e.getMessage()).contains("no Response element");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-2147483648"})
    void reportsInvalidAnswerWhenResponseIsNegative(String value) {
        ReportFailedException e = failure(payload(List.of(succeeded("true")), response("<Response>" + value + "</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ANSWER);
        assertThat(e.getMessage()).contains("Response=" + value + " is not a login id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "-2147483649", "99999999999999999999999999999999"})
    void reportsInvalidAnswerWhenResponseIsOutOfRangeForAnInt(String value) {
        ReportFailedException e = failure(payload(List.of(succeeded("true")), response("<Response>" + value + "</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ANSWER);
        assertThat(e.getMessage()).contains("out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+42", "0042", "+000000000000000000042"})
    void acceptsAnyXsdIntSpellingOfALoginId(String value) {
        assertThat(answer.loginIdFrom(payload(List.of(succeeded("true")), response("<Response>" + value + "</Response>")),
                KEY)).isEqualTo(42);
    }

    @Test
    void sessionNotFoundMessageDoesNotContainTheSessionKey() {
        assertThat(failure(payload(List.of(succeeded("true")), response("<Response>0</Response>"))).getMessage())
                .doesNotContain(KEY);
    }

    // ---------------------------------------------------------------- server rejected

    @Test
    void reportsServerRejectedWithExceptionTypeAndMessage() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'>"
                + "<Message>Insufficient rights for operation</Message>"
                + "<StackTrace>at SuperOffice.CRM...</StackTrace>"
                + "<ExceptionType>SoSecurityException</ExceptionType>"
                + "</ExceptionInfo>");

        ReportFailedException e = failure(payload(List.of(info, succeeded("false")), response("")));

        assertThat(e.reason()).isEqualTo(FailureReason.SERVER_REJECTED);
        assertThat(e.getMessage())
                .startsWith("Succeeded=false")
                .contains("SoSecurityException")
                .contains("Insufficient rights for operation")
                .doesNotContain("StackTrace")
                .doesNotContain("at SuperOffice.CRM");
    }

    @Test
    void redactsTicketAndSessionKeyEchoedInExceptionInfo() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'>"
                + "<Message>Ticket " + TICKET + " is not valid for session " + KEY + " (ticket " + TICKET + ")</Message>"
                + "<ExceptionType>InvalidTicket " + TICKET + "</ExceptionType>"
                + "</ExceptionInfo>");

        ReportFailedException e = failure(payload(List.of(succeeded("false"), info), response("")));

        assertThat(e.reason()).isEqualTo(FailureReason.SERVER_REJECTED);
        assertThat(e.getMessage())
                .doesNotContain(TICKET)
                .doesNotContain("secret-ticket-value")
                .doesNotContain(KEY)
                .contains("Ticket *** is not valid for session " + SessionKeyMask.mask(KEY))
                .contains("InvalidTicket ***");
    }

    @Test
    void reportsNoExceptionInfoWhenItIsNil() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "' xmlns:xsi='" + XSI + "' xsi:nil='true'/>");

        ReportFailedException e = failure(payload(List.of(info, succeeded("false")), response("")));

        assertThat(e.reason()).isEqualTo(FailureReason.SERVER_REJECTED);
        assertThat(e.getMessage()).isEqualTo("Succeeded=false: no ExceptionInfo");
    }

    @Test
    void reportsNoExceptionInfoWhenItIsAbsent() {
        ReportFailedException e = failure(payload(List.of(succeeded("false")), response("<Response>42</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SERVER_REJECTED);
        assertThat(e.getMessage()).contains("no ExceptionInfo");
    }

    @Test
    void reportsMissingMessageWhenExceptionInfoMessageIsNil() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "' xmlns:xsi='" + XSI + "'>"
                + "<Message xsi:nil='true'/><ExceptionType>SoException</ExceptionType></ExceptionInfo>");

        ReportFailedException e = failure(payload(List.of(info, succeeded("false")), response("")));

        assertThat(e.reason()).isEqualTo(FailureReason.SERVER_REJECTED);
        assertThat(e.getMessage()).contains("SoException").contains("(no message)");
    }

    @Test
    void truncatesVeryLongExceptionInfo() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'><Message>" + "x".repeat(5000)
                + "</Message></ExceptionInfo>");

        ReportFailedException e = failure(payload(List.of(info, succeeded("false")), response("")));

        assertThat(e.getMessage().length()).isLessThan(600);
        assertThat(e.getMessage()).endsWith("…");
    }

    // ---------------------------------------------------------------- credentials rejected (ExceptionType decides)

    @Test
    void supportCaseTicketNotFoundIsNotACredentialsRejection() {
        // in Customer Service a "ticket" is a support case: such a message must not force a re-login
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'><Message>Ticket 4711 not found</Message>"
                + "<ExceptionType>SoServerException</ExceptionType></ExceptionInfo>");

        ReportFailedException e = failure(payload(List.of(succeeded("false"), info), response("")));

        assertThat(e).isNotInstanceOf(CredentialsRejectedException.class);
        assertThat(e.reason()).isEqualTo(FailureReason.SERVER_REJECTED);
        assertThat(e.getMessage()).isEqualTo("Succeeded=false: SoServerException: Ticket 4711 not found");
    }

    @Test
    void listedExceptionTypeIsACredentialsRejectionWhateverTheMessageSays() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'><Message>The identity could not be verified.</Message>"
                + "<ExceptionType>SuperOffice.CRM.Security.SoCredentialsException</ExceptionType></ExceptionInfo>");

        assertThat(failure(payload(List.of(succeeded("false"), info), response(""))))
                .isInstanceOf(CredentialsRejectedException.class)
                .hasMessage("Succeeded=false: SuperOffice.CRM.Security.SoCredentialsException: The identity could not be verified.");
    }

    @Test
    void listedInnerExceptionTypeIsACredentialsRejectionAndKeptInTheDetail() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'><Message>Service call failed</Message>"
                + "<ExceptionType>SoServerException</ExceptionType><InnerException><Message>Expired " + TICKET
                + "</Message><ExceptionType>SoTicketException</ExceptionType></InnerException></ExceptionInfo>");

        ReportFailedException e = failure(payload(List.of(succeeded("false"), info), response("")));

        assertThat(e).isInstanceOf(CredentialsRejectedException.class);
        assertThat(e.getMessage()).isEqualTo("Succeeded=false: SoServerException: Service call failed "
                + "(inner: SoTicketException: Expired ***)");
    }

    @Test
    void messageDecidesOnlyThroughAConfiguredFallbackPattern() {
        SoapHeader info = header("<ExceptionInfo xmlns='" + NS + "'><Message>Session expired, log in again</Message>"
                + "<ExceptionType>SoException</ExceptionType></ExceptionInfo>");
        CxfPayload<SoapHeader> payload = payload(List.of(succeeded("false"), info), response(""));
        ReportSessionActiveAnswer withFallback = new ReportSessionActiveAnswer(new SecretRedactor(TICKET),
                CredentialRejection.fromSettings("types", "SoCredentialsException", "pattern", "(?i)session expired"));

        assertThat(failure(payload)).isNotInstanceOf(CredentialsRejectedException.class);
        assertThatThrownBy(() -> withFallback.loginIdFrom(payload, KEY)).isInstanceOf(CredentialsRejectedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?i)ticket|credential|authenticat|session expired", "ticket", "(?i)not found"})
    void fallbackPatternMatchingASupportCaseStopsTheStartNamingTheProperty(String pattern) {
        assertThatThrownBy(() -> CredentialRejection.fromSettings("superoffice.auth.credential-rejection-types",
                "SoCredentialsException", "superoffice.auth.credential-rejection-pattern", pattern))
                .isInstanceOf(dev.sessionreporter.StartupConfigurationException.class)
                .hasMessageContaining("superoffice.auth.credential-rejection-pattern");
    }

    // ---------------------------------------------------------------- malformed answers

    @Test
    void reportsSoapFaultWhenSucceededHeaderIsMissing() {
        ReportFailedException e = failure(payload(List.of(), response("<Response>42</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("no Succeeded header");
    }

    @Test
    void reportsSoapFaultWhenSucceededHeaderIsInAnotherNamespace() {
        SoapHeader foreign = header("<Succeeded xmlns='http://www.superoffice.net/ws/crm/NetServer/Services84'>true</Succeeded>");

        ReportFailedException e = failure(payload(List.of(foreign), response("<Response>42</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("no Succeeded header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "TRUE", "True", "", "42", "true false"})
    void reportsSoapFaultWhenSucceededIsNotABoolean(String value) {
        ReportFailedException e = failure(payload(List.of(succeeded(value)), response("<Response>42</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("Succeeded header is not a boolean");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<ReportSessionActive xmlns='" + NS + "'><SessionKey>k</SessionKey></ReportSessionActive>",
            "<ReportSessionActiveResponse xmlns='http://tempuri.org/'><Response>42</Response></ReportSessionActiveResponse>",
            "<ReportSessionActiveResponse><Response>42</Response></ReportSessionActiveResponse>",
            "<SessionIsValidResponse xmlns='" + NS + "'><Response>true</Response></SessionIsValidResponse>"})
    void reportsSoapFaultWhenBodyElementIsWrong(String body) {
        ReportFailedException e = failure(payload(List.of(succeeded("true")), body));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("not a ReportSessionActiveResponse");
    }

    @Test
    void reportsSoapFaultWhenBodyIsEmpty() {
        ReportFailedException e = failure(payload(List.of(succeeded("true"))));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("not a ReportSessionActiveResponse");
    }

    @ParameterizedTest
    @ValueSource(strings = {"forty-two", "", "4.2", "0x2A", "- 1"})
    void reportsSoapFaultWhenResponseIsNotAnInt(String value) {
        ReportFailedException e = failure(payload(List.of(succeeded("true")), response("<Response>" + value + "</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("Response element is not an int");
    }

    @Test
    void reportsSoapFaultWhenBodyIsNotACxfPayload() {
        ReportFailedException e = failure("<ReportSessionActiveResponse/>");

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("not a SOAP payload").contains("String");
    }

    @Test
    void reportsSoapFaultWhenBodyIsNull() {
        ReportFailedException e = failure(null);

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("not a SOAP payload").contains("empty");
    }

    @Test
    void ignoresSucceededHeaderWhoseContentIsNotAnElement() {
        List<SoapHeader> headers = new ArrayList<>();
        headers.add(new SoapHeader(new QName(NS, "Succeeded"), "true"));

        ReportFailedException e = failure(payload(headers, response("<Response>42</Response>")));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).contains("no Succeeded header");
    }

    // ---------------------------------------------------------------- helpers

    private ReportFailedException failure(Object body) {
        Throwable thrown = catchThrowable(() -> answer.loginIdFrom(body, KEY));
        assertThat(thrown).isInstanceOf(ReportFailedException.class);
        ReportFailedException e = (ReportFailedException) thrown;
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain(TICKET);
        return e;
    }

    private static SoapHeader succeeded(String value) {
        return header("<Succeeded xmlns='" + NS + "'>" + value + "</Succeeded>");
    }

    private static String response(String content) {
        return "<ReportSessionActiveResponse xmlns='" + NS + "'>" + content + "</ReportSessionActiveResponse>";
    }

    private static SoapHeader header(String xml) {
        Element element = parse(xml);
        return new SoapHeader(new QName(element.getNamespaceURI(), element.getLocalName()), element);
    }

    private static CxfPayload<SoapHeader> payload(List<SoapHeader> headers, String... bodyXml) {
        List<Element> body = new ArrayList<>();
        for (String xml : bodyXml) {
            body.add(parse(xml));
        }
        return new CxfPayload<>(new ArrayList<>(headers), body);
    }

    private static Element parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException("test XML does not parse: " + xml, e);
        }
    }
}
