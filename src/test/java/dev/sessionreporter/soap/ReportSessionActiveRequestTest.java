package dev.sessionreporter.soap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.auth.TicketCache;
import java.util.ArrayList;
import java.util.List;
import javax.xml.namespace.QName;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.cxf.binding.soap.SoapHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class ReportSessionActiveRequestTest {

    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String TOKEN = "AppTok-5ecret-Q9x7Lm2Zp4";
    private static final String TICKET = "7T:dGlja2V0LXNlY3JldC1YdjNuOFdxMg==";
    private static final String KEY = "Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0";

    private final TicketCache tickets = TicketCache.fixed(TICKET);

    @Test
    void addsApplicationTokenAndCredentialsHeadersWithoutTimeZone() {
        CxfPayload<SoapHeader> payload = new ReportSessionActiveRequest(TOKEN, tickets, null).payload(KEY);

        assertThat(payload.getHeaders()).extracting(SoapHeader::getName)
                .containsExactly(new QName(NS, "ApplicationToken"), new QName(NS, "Credentials"));
    }

    @Test
    void putsApplicationTokenAsTextOfApplicationTokenHeader() {
        Element token = headerElement(new ReportSessionActiveRequest(TOKEN, tickets, null).payload(KEY), "ApplicationToken");

        assertName(token, "ApplicationToken");
        assertThat(token.getTextContent()).isEqualTo(TOKEN);
        assertThat(childElements(token)).isEmpty();
    }

    @Test
    void putsTicketInsideCredentialsHeader() {
        Element credentialsElement = headerElement(new ReportSessionActiveRequest(TOKEN, tickets, null).payload(KEY), "Credentials");

        assertName(credentialsElement, "Credentials");
        List<Element> children = childElements(credentialsElement);
        assertThat(children).hasSize(1);
        assertName(children.get(0), "Ticket");
        assertThat(children.get(0).getTextContent()).isEqualTo(TICKET);
    }

    @Test
    void addsTimeZoneHeaderWhenTimeZoneIdIsGiven() {
        CxfPayload<SoapHeader> payload = new ReportSessionActiveRequest(TOKEN, tickets, 294).payload(KEY);

        assertThat(payload.getHeaders()).extracting(SoapHeader::getName).containsExactly(
                new QName(NS, "ApplicationToken"), new QName(NS, "Credentials"), new QName(NS, "TimeZone"));
        Element timeZone = headerElement(payload, "TimeZone");
        assertName(timeZone, "TimeZone");
        List<Element> children = childElements(timeZone);
        assertThat(children).hasSize(1);
        assertName(children.get(0), "SoTimeZoneId");
        assertThat(children.get(0).getTextContent()).isEqualTo("294");
    }

    @Test
    void writesNegativeAndZeroTimeZoneIdsAsGiven() {
        assertThat(headerElement(new ReportSessionActiveRequest(TOKEN, tickets, 0).payload(KEY), "TimeZone").getTextContent())
                .isEqualTo("0");
    }

    @Test
    void headerContentsAreDomElements() {
        CxfPayload<SoapHeader> payload = new ReportSessionActiveRequest(TOKEN, tickets, 1).payload(KEY);

        assertThat(payload.getHeaders()).allSatisfy(h -> assertThat(h.getObject()).isInstanceOf(Element.class));
    }

    @Test
    void bodyIsOneReportSessionActiveElementWithTheSessionKey() {
        CxfPayload<SoapHeader> payload = new ReportSessionActiveRequest(TOKEN, tickets, null).payload(KEY);

        assertThat(payload.getBody()).hasSize(1);
        Element operation = payload.getBody().get(0);
        assertName(operation, "ReportSessionActive");
        List<Element> children = childElements(operation);
        assertThat(children).hasSize(1);
        assertName(children.get(0), "SessionKey");
        assertThat(children.get(0).getTextContent()).isEqualTo(KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a<b>&\"'", "]]>", "<SessionKey>x</SessionKey>", "a&amp;b", "&#x41;", "ключ-€"})
    void keepsSessionKeyTextExactlyIncludingXmlMetacharacters(String key) {
        CxfPayload<SoapHeader> payload = new ReportSessionActiveRequest(TOKEN, tickets, null).payload(key);

        Element sessionKey = childElements(payload.getBody().get(0)).get(0);
        assertThat(sessionKey.getTextContent()).isEqualTo(key);
        assertThat(childElements(sessionKey)).as("metacharacters must stay text, not become markup").isEmpty();
    }

    @Test
    void keepsTokenAndTicketWithXmlMetacharactersAsText() {
        CxfPayload<SoapHeader> payload = new ReportSessionActiveRequest("tok<en>&\"'", TicketCache.fixed("7T:a]]>b&c"), null)
                .payload(KEY);

        assertThat(headerElement(payload, "ApplicationToken").getTextContent()).isEqualTo("tok<en>&\"'");
        assertThat(headerElement(payload, "Credentials").getTextContent()).isEqualTo("7T:a]]>b&c");
    }

    @Test
    void buildsIndependentPayloadsForConsecutiveKeys() {
        ReportSessionActiveRequest request = new ReportSessionActiveRequest(TOKEN, tickets, null);

        CxfPayload<SoapHeader> first = request.payload("firstKey1234");
        CxfPayload<SoapHeader> second = request.payload("secondKey5678");

        assertThat(first.getBody().get(0).getTextContent()).isEqualTo("firstKey1234");
        assertThat(second.getBody().get(0).getTextContent()).isEqualTo("secondKey5678");
    }

    private static Element headerElement(CxfPayload<SoapHeader> payload, String localName) {
        return payload.getHeaders().stream()
                .filter(h -> h.getName().equals(new QName(NS, localName)))
                .map(h -> (Element) h.getObject())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no header " + localName));
    }

    private static void assertName(Element element, String localName) {
        assertThat(element.getNamespaceURI()).as("namespace of " + localName).isEqualTo(NS);
        assertThat(element.getLocalName()).isEqualTo(localName);
    }

    private static List<Element> childElements(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                children.add(e);
            }
        }
        return children;
    }
}
