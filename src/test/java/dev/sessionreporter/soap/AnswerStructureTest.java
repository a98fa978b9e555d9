package dev.sessionreporter.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReportFailedException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerStructureTest {
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String SUCCEEDED = "<Succeeded xmlns='" + NS + "'>true</Succeeded>";
    private static final String RESPONSE = response("<Response>42</Response>");

    @Test
    void acceptsAFullWcfStyleAnswerWithRepeatedListItemsAndUnknownHeaders() {
        String headers = "<ExceptionInfo xmlns='" + NS + "' xmlns:i='" + XSI + "' i:nil='true'/>"
                + "<ExtraInfo xmlns='" + NS + "'><ExtraInfoNameValuePair><Key>a</Key><Value>1</Value>"
                + "</ExtraInfoNameValuePair><ExtraInfoNameValuePair><Key>b</Key><Value>2</Value></ExtraInfoNameValuePair>"
                + "</ExtraInfo>" + SUCCEEDED.replace("<Succeeded", "<Succeeded s:mustUnderstand='1'")
                + "<TimeZone xmlns='" + NS + "' xmlns:i='" + XSI + "' i:nil='true'/>"
                + "<x:Trace xmlns:x='urn:example' s:mustUnderstand='0'><x:Hop/><x:Hop/></x:Trace>";

        assertThatCode(() -> check("<?xml version='1.0' encoding='utf-8'?>\n" + envelope(headers, RESPONSE) + "\n\r\n"))
                .doesNotThrowAnyException();
    }

    @Test
    void acceptsRepeatedParametersOfAnExceptionInfo() {
        String info = "<ExceptionInfo xmlns='" + NS + "'><Message>m</Message><Parameters>"
                + "<SoExceptionInfoParametersKeyValuePair><Key>a</Key></SoExceptionInfoParametersKeyValuePair>"
                + "<SoExceptionInfoParametersKeyValuePair><Key>b</Key></SoExceptionInfoParametersKeyValuePair>"
                + "</Parameters></ExceptionInfo>";

        assertThatCode(() -> check(envelope(info + SUCCEEDED.replace("true", "false"), response(""))))
                .doesNotThrowAnyException();
    }

    static Stream<Arguments> ambiguousAnswers() {
        return Stream.of(
                Arguments.of(envelope(SUCCEEDED + SUCCEEDED.replace("true", "false"), RESPONSE), "Succeeded twice in Header"),
                Arguments.of(envelope(SUCCEEDED, response("<Response>4242</Response><Response>0</Response>")),
                        "Response twice in ReportSessionActiveResponse"),
                Arguments.of(envelope(SUCCEEDED, RESPONSE + response("<Response>0</Response>")),
                        "the Body has more than one element"),
                Arguments.of(envelope(SUCCEEDED, RESPONSE + "<x:Other xmlns:x='urn:example'/>"),
                        "the Body has more than one element"),
                Arguments.of("<s:Envelope xmlns:s='" + SOAP + "'><s:Body>" + RESPONSE + "</s:Body><s:Body/></s:Envelope>",
                        "Body twice in Envelope"),
                Arguments.of("<s:Envelope xmlns:s='" + SOAP + "'><s:Header/><s:Header>" + SUCCEEDED + "</s:Header><s:Body>"
                        + RESPONSE + "</s:Body></s:Envelope>", "Header twice in Envelope"),
                Arguments.of(envelope(SUCCEEDED, RESPONSE) + envelope(SUCCEEDED, response("<Response>0</Response>")),
                        "bytes after the envelope"),
                Arguments.of(envelope(SUCCEEDED, RESPONSE) + "garbage", "bytes after the envelope"),
                Arguments.of(envelope(SUCCEEDED, RESPONSE) + "<!-- more -->", "bytes after the envelope"),
                Arguments.of(envelope(SUCCEEDED + "<x:Tx xmlns:x='urn:example' s:mustUnderstand='1'/>", RESPONSE),
                        "the header {urn:example}Tx is marked mustUnderstand, and the reporter does not understand it"),
                Arguments.of(envelope(SUCCEEDED + "<x:Tx xmlns:x='urn:example' s:mustUnderstand=' true '/>", RESPONSE),
                        "mustUnderstand"),
                Arguments.of(envelope("<ExceptionInfo xmlns='" + NS + "'><ExceptionType>A</ExceptionType>"
                        + "<ExceptionType>B</ExceptionType></ExceptionInfo>" + SUCCEEDED, response("")),
                        "ExceptionType twice in ExceptionInfo"),
                Arguments.of(envelope("<ExceptionInfo xmlns='" + NS + "'><InnerException><Message>a</Message>"
                        + "<Message>b</Message></InnerException></ExceptionInfo>" + SUCCEEDED, response("")),
                        "Message twice in InnerException"),
                Arguments.of(envelope("<ExceptionInfo xmlns='" + NS + "'/><ExceptionInfo xmlns='" + NS + "'/>" + SUCCEEDED,
                        response("")), "ExceptionInfo twice in Header"));
    }

    @ParameterizedTest
    @MethodSource("ambiguousAnswers")
    void rejectsAnAmbiguousAnswerAsInvalidNamingWhatIsAmbiguous(String answer, String detail) {
        ReportFailedException e = catchThrowableOfType(ReportFailedException.class, () -> check(answer));

        assertThat(e).as("rejected").isNotNull();
        assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ANSWER);
        assertThat(e.getMessage()).startsWith("ambiguous answer: ").contains(detail);
    }

    @Test
    void rejectsAnEnvelopeWithoutBodyAsMalformed() {
        ReportFailedException e = catchThrowableOfType(ReportFailedException.class,
                () -> check("<s:Envelope xmlns:s='" + SOAP + "'><s:Header>" + SUCCEEDED + "</s:Header></s:Envelope>"));

        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).isEqualTo("malformed answer: the envelope has no Body");
    }

    @Test
    void namesAnUnknownHeaderOnlyUpToALimit() {
        String longName = "H".repeat(900);
        ReportFailedException e = catchThrowableOfType(ReportFailedException.class, () -> check(
                envelope("<x:" + longName + " xmlns:x='urn:x' s:mustUnderstand='1'/>", RESPONSE)));

        assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ANSWER);
        assertThat(e.getMessage().length()).isLessThan(300);
    }

    /**
     * Not left to CXF: its parser reads more than this one (a name over the JDK's 1000-character limit, here), and would
     * then take the first of two Succeeded headers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "not xml", "<s:Envelope xmlns:s='" + SOAP + "'><s:Body>",
            "<?xml version='1.0'?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM 'http://127.0.0.1:1/x'>]><s:Envelope xmlns:s='"
                    + SOAP + "'><s:Body>&x;</s:Body></s:Envelope>",
            "<s:Envelope xmlns:s='" + SOAP + "'><s:Header><Succeeded xmlns='" + NS + "'>true</Succeeded><x:HHHHHHHHHH"
                    + " xmlns:x='urn:x'/><Succeeded xmlns='" + NS + "'>false</Succeeded></s:Header><s:Body/></s:Envelope>"})
    void rejectsWhatThisParserCannotReadAsMalformed(String answer) {
        ReportFailedException e = catchThrowableOfType(ReportFailedException.class,
                () -> check(answer.replace("HHHHHHHHHH", "H".repeat(2000))));

        assertThat(e).as("rejected").isNotNull();
        assertThat(e.reason()).isEqualTo(FailureReason.SOAP_FAULT);
        assertThat(e.getMessage()).startsWith("malformed answer: not well-formed XML (").hasSizeLessThan(300);
    }

    @Test
    void leavesAWellFormedDocumentThatIsNotASoap11EnvelopeToCxf() {
        assertThatCode(() -> check("<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'><e:Body/><e:Body/>"
                + "</e:Envelope>")).doesNotThrowAnyException();
    }

    private static void check(String answer) {
        AnswerStructure.check(answer.getBytes(StandardCharsets.UTF_8));
    }

    private static String envelope(String headers, String body) {
        return "<s:Envelope xmlns:s='" + SOAP + "'><s:Header>" + headers + "</s:Header><s:Body>" + body
                + "</s:Body></s:Envelope>";
    }

    private static String response(String content) {
        return "<ReportSessionActiveResponse xmlns='" + NS + "'>" + content + "</ReportSessionActiveResponse>";
    }
}
