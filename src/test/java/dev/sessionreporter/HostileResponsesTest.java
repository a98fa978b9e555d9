package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.CannedHttpServer;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Answers a real server would never send — DTDs with external or recursive entities, garbage, empty bodies, envelopes
 * without the Succeeded header — are rejected (SOAP_FAULT, no retry), never resolved: the reporter parses answers with
 * DTDs and external entities off, so an entity pointing back at the server is never fetched.
 */
class HostileResponsesTest extends ReporterTestSupport {
    private static final CannedHttpServer SERVER = new CannedHttpServer();
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String ENVELOPE_START = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">";
    private static final String HEADERS = "<s:Header><Succeeded xmlns=\"" + NS + "\">true</Succeeded></s:Header>";

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // address: a canned server that answers what the simulator never would
        properties.setProperty("superoffice.url", SERVER.url("/Cust00000/Remote/Services88/CustomerService.svc"));
        return properties;
    }

    @AfterAll
    void stopServer() {
        SERVER.close();
    }

    static Stream<Arguments> hostileAnswers() {
        String entityUrl = SERVER.url("/xxe-was-fetched");
        return Stream.of(
                Arguments.of("external entity (XXE)", "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \""
                        + entityUrl + "\">]>" + ENVELOPE_START + HEADERS + "<s:Body><ReportSessionActiveResponse xmlns=\""
                        + NS + "\"><Response>&xxe;</Response></ReportSessionActiveResponse></s:Body></s:Envelope>"),
                Arguments.of("external DTD", "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope SYSTEM \"" + entityUrl + "\">"
                        + ENVELOPE_START + HEADERS + "<s:Body/></s:Envelope>"),
                Arguments.of("entity expansion (billion laughs)", "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope ["
                        + "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>" + ENVELOPE_START + HEADERS
                        + "<s:Body><ReportSessionActiveResponse xmlns=\"" + NS + "\"><Response>&c;</Response>"
                        + "</ReportSessionActiveResponse></s:Body></s:Envelope>"),
                Arguments.of("not XML at all", "this is not a SOAP answer"),
                Arguments.of("empty body", ""),
                Arguments.of("envelope without Succeeded", ENVELOPE_START + "<s:Body><ReportSessionActiveResponse xmlns=\""
                        + NS + "\"><Response>7</Response></ReportSessionActiveResponse></s:Body></s:Envelope>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void rejectsHostileOrBrokenAnswerWithoutResolvingIt(String description, String answer) throws Exception {
        SERVER.answer(200, "text/xml; charset=utf-8", answer);
        SERVER.clear();
        String key = TestSecrets.sessionKey("host");

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).as("dead-lettered").isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SOAP_FAULT");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("not retried").isEqualTo(1);
        assertThat(SERVER.requestedPaths()).as("only the SOAP call, no entity or DTD fetched")
                .containsExactly("POST /Cust00000/Remote/Services88/CustomerService.svc");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).doesNotContain("aaaaaaaaaaaaaaaaaaaa");
    }
}
