package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.broker.SendSessionKeys;
import dev.sessionreporter.kamelet.SessionActiveClient;
import dev.sessionreporter.kamelet.SessionActiveEndpoint;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.cxf.Bus;
import org.junit.jupiter.api.Test;

/** Session keys put on the JMS queue by another process are reported through the one cxf endpoint. */
class QueueTriggerTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the results are asserted on a mock endpoint instead of the shipped log
        properties.setProperty("reporter.result.uri", "mock:result");
        return properties;
    }

    @Test
    void reportsBareKeyFromQueueWithCorrectSoap11Envelope() throws Exception {
        String key = TestSecrets.sessionKey("bare");
        SIMULATOR.addSession(key, 4711);
        MockEndpoint result = getMockEndpoint("mock:result");
        result.reset();

        queue().send(QueueClient_INPUT, session -> {
            var message = session.createTextMessage(key);
            message.setStringProperty("CustomerCorrelation", "order-17");
            message.setJMSCorrelationID("corr-1");
            return message;
        });

        // an earlier test's last reports may still reach mock:result after the reset: wait for this key's line
        await().atMost(Duration.ofSeconds(10)).until(() -> resultLine(result, "bare…") != null);
        List<ReceivedRequest> requests = SIMULATOR.requestsFor(key);
        assertThat(requests).hasSize(1);
        ReceivedRequest request = requests.get(0);
        assertThat(request.accepted()).isTrue();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.httpVersion()).isEqualTo("HTTP/1.1");
        assertThat(request.soapEnvelopeNamespace()).isEqualTo("http://schemas.xmlsoap.org/soap/envelope/");
        assertThat(request.soapAction())
                .isEqualTo("\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"");
        assertThat(request.httpHeader("content-type")).isEqualToIgnoringCase("text/xml; charset=utf-8");
        assertThat(request.headersInsideSoapHeader()).isTrue();
        assertThat(request.applicationToken()).isEqualTo(TestSecrets.APPLICATION_TOKEN);
        assertThat(request.ticket()).isEqualTo(TestSecrets.TICKET);
        assertThat(request.timeZoneId()).as("no TimeZone header unless configured").isNull();
        assertThat(request.sessionKey()).isEqualTo(key);
        // Nothing from the JMS message or Camel travels as an HTTP header
        assertThat(request.httpHeaders().keySet())
                .noneMatch(name -> name.startsWith("session-reporter-jms") || name.startsWith("camel") || name.startsWith("sessionreporter"))
                .doesNotContain("customercorrelation", "upgrade", "http2-settings");

        String line = resultLine(result, "bare…");
        assertThat(line).contains("loginId=4711", "bare…", "route=session-reporter-queue-trigger", "attempts=1", "latency=")
                .doesNotContain(key);

        // CXF's WS-Policy engine is off (our WSDL attaches no policy): none of its interceptors ran for this call
        Bus bus = context.getRegistry().lookupByNameAndType("sessionReporterSessionActiveClient", SessionActiveClient.class).bus().bus();
        assertThat(bus.getOutInterceptors()).as("bus out interceptors")
                .noneMatch(interceptor -> interceptor.getClass().getName().startsWith("org.apache.cxf.ws.policy"));
        assertThat(bus.getInInterceptors()).as("bus in interceptors")
                .noneMatch(interceptor -> interceptor.getClass().getName().startsWith("org.apache.cxf.ws.policy"));
    }

    @Test
    void reportsJsonKeyFromQueue() throws Exception {
        String key = TestSecrets.sessionKey("json");
        SIMULATOR.addSession(key, 815);
        queue().sendText("{\"sessionKey\":\"" + key + "\",\"source\":\"chat\"}");

        // waits for this key, not for any exchange: a late one of an earlier test may still reach the result endpoint
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) > 0);
        assertThat(SIMULATOR.acceptedReportCount(key)).isEqualTo(1);
        assertThat(SIMULATOR.requestsFor(key).get(0).sessionKey()).isEqualTo(key);
    }

    @Test
    void sendsXmlMetacharactersInKeysEscapedNotRaw() throws Exception {
        String key = "a<b>&c\"d'e]]>f" + TestSecrets.sessionKey("meta").substring(0, 10);
        SIMULATOR.addSession(key, 99);
        queue().sendText(key);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        ReceivedRequest request = SIMULATOR.requestsFor(key).get(0);
        assertThat(request.accepted()).isTrue();
        assertThat(request.body()).doesNotContain("<b>").doesNotContain("]]>f").contains("&lt;b>");
    }

    @Test
    void usesOneCxfEndpointForAllMessages() {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = TestSecrets.sessionKey("many");
            SIMULATOR.addSession(key, 1000 + i);
            keys.add(key);
            queue().sendText(key);
        }

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> keys.stream().allMatch(key -> SIMULATOR.acceptedReportCount(key) == 1));
        assertThat(keys).allSatisfy(key -> assertThat(SIMULATOR.requestsFor(key)).hasSize(1));
        assertThat(context.getEndpoints()).filteredOn(CxfEndpoint.class::isInstance).hasSize(1);
    }

    @Test
    void theSoapStepIsTheKameletWithTheReportersOneClient() {
        String key = TestSecrets.sessionKey("kstp");
        SIMULATOR.addSession(key, 77);

        queue().sendText(key);

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);
        // the one SOAP endpoint is the Kamelet's, on the client the configuration built (its bus, its ticket)
        SessionActiveClient client = context.getRegistry().lookupByNameAndType("sessionReporterSessionActiveClient",
                SessionActiveClient.class);
        assertThat(context.getEndpoints()).filteredOn(CxfEndpoint.class::isInstance).singleElement()
                .isInstanceOf(SessionActiveEndpoint.class)
                .satisfies(endpoint -> assertThat(((CxfEndpoint) endpoint).getBus()).isSameAs(client.bus().bus()));
        assertThat(context.getEndpoints()).extracting(endpoint -> endpoint.getEndpointUri())
                .anyMatch(uri -> uri.startsWith("kamelet:superoffice-session-active-action/session-reporter-soap-call?client="));
        assertThat(context.getRoutes()).extracting(route -> route.getRouteId()).contains("session-reporter-soap-call");
    }

    @Test
    void acceptsKeysSentByTheSendSessionKeysCommand() throws Exception {
        String first = TestSecrets.sessionKey("cmd1");
        String second = TestSecrets.sessionKey("cmd2");
        SIMULATOR.addSession(first, 1);
        SIMULATOR.addSession(second, 2);

        SendSessionKeys.send("tcp://127.0.0.1:" + brokerPort, SendSessionKeys.DEFAULT_QUEUE, List.of(first, second));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> SIMULATOR.acceptedReportCount(first) == 1 && SIMULATOR.acceptedReportCount(second) == 1);
    }

    /**
     * Parallel reports keep their HTTP connections: a backlog reported by all queue consumers at once goes over about
     * one connection per consumer, when the JVM allows that many idle keep-alive connections per server (surefire sets
     * http.maxConnections as README "Run" recommends; with the JDK's default of 5, every call beyond that closes its
     * connection and the next one opens a new one).
     */
    @Test
    void parallelReportsReuseTheirHttpConnections() throws Exception {
        int consumers = Integer.parseInt(context.resolvePropertyPlaceholders("{{reporter.queue.concurrent-consumers}}"));
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 20 * consumers; i++) {
            String key = TestSecrets.sessionKey("conn" + i);
            SIMULATOR.addSession(key, 3000 + i);
            keys.add(key);
        }
        context.getRouteController().suspendRoute("session-reporter-queue-trigger");
        try {
            keys.forEach(queue()::sendText);
        } finally {
            context.getRouteController().resumeRoute("session-reporter-queue-trigger");
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> keys.stream().allMatch(k -> SIMULATOR.acceptedReportCount(k) > 0));
        assertThat(keys.stream().map(SIMULATOR::acceptedReportCount).filter(n -> n != 1).toList()).as("keys not reported exactly once").isEmpty();
        assertThat(SIMULATOR.connectionCount()).as("TCP connections for %d reports by %d consumers", keys.size(), consumers)
                .isLessThanOrEqualTo(consumers + 4);
    }

    private static final String QueueClient_INPUT = dev.sessionreporter.support.QueueClient.INPUT_QUEUE;

    /** The result line of mock:result that names the masked key, or null. */
    private static String resultLine(MockEndpoint result, String maskedKey) {
        return result.getReceivedExchanges().stream().map(exchange -> exchange.getIn().getBody(String.class))
                .filter(line -> line.contains(maskedKey)).findFirst().orElse(null);
    }
}
