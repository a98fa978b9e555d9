package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.RawTcpServer;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.jms.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile SuperOffice that is up and answers by session key: answers that are ambiguous (an element twice, two Body
 * children, bytes after the envelope, an unknown mustUnderstand header), incomplete, compressed without being asked,
 * redirecting or broken below the XML. Each is dead-lettered at once with its own reason; none is taken as success,
 * none is retried, and none counts as an outage against the circuit breaker or readiness.
 */
class HostileServerTest extends ReporterTestSupport {
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String SUCCEEDED = "<Succeeded xmlns=\"" + NS + "\">true</Succeeded>";
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static final Set<String> SERVED = ConcurrentHashMap.newKeySet();
    private static final RawTcpServer SERVER = new RawTcpServer(RawTcpServer.answerByKey(key -> {
        SERVED.add(key);
        return ANSWERS.getOrDefault(key, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }));

    /** One hostile answer, the reason and a piece of the detail its dead letter must carry. */
    record Hostile(String name, String rawAnswer, String reason, String detailPart) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the far side is the hostile server, not the simulator
        properties.setProperty("superoffice.url", SERVER.url("http"));
        return properties;
    }

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    static List<Hostile> hostileAnswers() {
        return List.of(
                // ambiguous: two readings, and the reporter must not pick one
                new Hostile("Succeeded true, then false", ok(envelope(SUCCEEDED + "<Succeeded xmlns=\"" + NS
                        + "\">false</Succeeded>", response("<Response>4242</Response>"))), "INVALID_ANSWER", "Succeeded"),
                new Hostile("two Response elements", ok(envelope(SUCCEEDED,
                        response("<Response>4242</Response><Response>0</Response>"))), "INVALID_ANSWER", "Response"),
                new Hostile("two Body children", ok(envelope(SUCCEEDED,
                        response("<Response>4242</Response>") + response("<Response>0</Response>"))),
                        "INVALID_ANSWER", "Body"),
                new Hostile("two Body elements", ok("<s:Envelope xmlns:s=\"" + SOAP + "\"><s:Header>" + SUCCEEDED
                        + "</s:Header><s:Body>" + response("<Response>4242</Response>") + "</s:Body><s:Body>"
                        + response("<Response>0</Response>") + "</s:Body></s:Envelope>"), "INVALID_ANSWER", "Body"),
                new Hostile("bytes after the envelope", ok(envelope(SUCCEEDED, response("<Response>4242</Response>"))
                        + envelope(SUCCEEDED, response("<Response>0</Response>"))), "INVALID_ANSWER", "after the envelope"),
                new Hostile("unknown mustUnderstand header", ok(envelope(SUCCEEDED
                        + "<x:Transaction xmlns:x=\"urn:example:tx\" xmlns:s=\"" + SOAP + "\" s:mustUnderstand=\"1\">"
                        + "rollback</x:Transaction>", response("<Response>4242</Response>"))),
                        "INVALID_ANSWER", "mustUnderstand"),
                new Hostile("ExceptionType twice in ExceptionInfo", ok(envelope("<ExceptionInfo xmlns=\"" + NS + "\">"
                        + "<Message>m</Message><ExceptionType>SoServerException</ExceptionType>"
                        + "<ExceptionType>SoCredentialsException</ExceptionType></ExceptionInfo>"
                        + "<Succeeded xmlns=\"" + NS + "\">false</Succeeded>", response(""))),
                        "INVALID_ANSWER", "ExceptionType"),
                new Hostile("ExceptionInfo twice", ok(envelope("<ExceptionInfo xmlns=\"" + NS + "\"><Message>a</Message>"
                        + "</ExceptionInfo><ExceptionInfo xmlns=\"" + NS + "\"><Message>b</Message></ExceptionInfo>"
                        + "<Succeeded xmlns=\"" + NS + "\">false</Succeeded>", response(""))),
                        "INVALID_ANSWER", "ExceptionInfo"),
                // incomplete or out of range: only Response=0 means "session not found"
                new Hostile("no Response", ok(envelope(SUCCEEDED, response(""))), "INVALID_ANSWER", "no Response"),
                new Hostile("Response=-1", ok(envelope(SUCCEEDED, response("<Response>-1</Response>"))),
                        "INVALID_ANSWER", "Response=-1"),
                new Hostile("Response over int", ok(envelope(SUCCEEDED, response("<Response>2147483648</Response>"))),
                        "INVALID_ANSWER", "out of range"),
                new Hostile("no Body", ok("<s:Envelope xmlns:s=\"" + SOAP + "\"><s:Header>" + SUCCEEDED
                        + "</s:Header></s:Envelope>"), "SOAP_FAULT", "no Body"),
                // redirects are not followed: the token and ticket must not travel to another address
                new Hostile("302 redirect", redirect(302), "HTTP_ERROR", "HTTP 302 redirect to elsewhere.example.invalid, not followed"),
                new Hostile("307 redirect", redirect(307), "HTTP_ERROR", "HTTP 307 redirect to elsewhere.example.invalid, not followed"),
                new Hostile("relative redirect", "HTTP/1.1 301 Moved Permanently\r\nLocation: /Cust2/Remote/?ticket=x\r\n"
                        + "Content-Length: 0\r\n\r\n", "HTTP_ERROR", "HTTP 301 redirect to 127.0.0.1, not followed"),
                // a server that is up but answers what HTTP/1.1 or our request does not allow
                new Hostile("gzip body", compressed("gzip"), "INVALID_ANSWER", "gzip"),
                new Hostile("deflate body", compressed("deflate"), "INVALID_ANSWER", "deflate"),
                new Hostile("bad chunked encoding", "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n" + envelope(SUCCEEDED, response("<Response>7</Response>"))
                        + "\r\n0\r\n\r\n", "INVALID_ANSWER", "chunk"),
                new Hostile("oversized headers", "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nX-Filler: "
                        + "a".repeat(512 * 1024) + "\r\nContent-Length: 0\r\n\r\n", "INVALID_ANSWER", "Header size too big"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileAnswers")
    void anUntrustworthyAnswerIsDeadLetteredAtOnceWithItsReason(Hostile hostile) throws Exception {
        String key = TestSecrets.sessionKey("host");
        ANSWERS.put(key, hostile.rawAnswer());

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).as("dead-lettered, not reported").isNotNull();
        String detail = deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).as(detail).isEqualTo(hostile.reason());
        assertThat(detail).contains(hostile.detailPart()).doesNotContain(key).doesNotContain("ticket=");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as("not retried").isEqualTo(1);
    }

    @Test
    void aHostileServerThatIsUpNeitherOpensTheCircuitBreakerNorTurnsReadinessDown() throws Exception {
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker", CircuitBreaker.class);
        breaker.reset();
        Map<String, Hostile> hostileByKey = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            for (Hostile hostile : hostileAnswers()) {
                String key = TestSecrets.sessionKey("hs" + round);
                ANSWERS.put(key, hostile.rawAnswer());
                hostileByKey.put(key, hostile);
            }
        }
        Set<String> goodKeys = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            String key = TestSecrets.sessionKey("good");
            ANSWERS.put(key, ok(envelope(SUCCEEDED, response("<Response>" + (100 + i) + "</Response>"))));
            goodKeys.add(key);
        }
        List<String> keys = new ArrayList<>(hostileByKey.keySet());
        keys.addAll(goodKeys);
        Collections.shuffle(keys);

        keys.forEach(queue()::sendText);

        CountingInvariant.of(keys).assertHolds(queue(), key -> goodKeys.contains(key) && SERVED.contains(key), context);
        List<Message> deadLetters = queue().browse(QueueClient.DEAD_LETTER_QUEUE);
        assertThat(deadLetters).hasSize(hostileByKey.size());
        for (Message deadLetter : deadLetters) {
            Hostile hostile = hostileByKey.get(deadLetter.getBody(String.class));
            assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).as(hostile.name())
                    .isEqualTo(hostile.reason());
            assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).as(hostile.name()).isEqualTo(1);
        }
        assertThat(breaker.getState()).as("a server that answers is not an outage").isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        HealthCheck.Result reachable = context.getRegistry()
                .lookupByNameAndType("sessionReporterSuperOfficeReachableCheck", HealthCheck.class).call();
        assertThat(reachable.getDetails()).containsEntry("consecutive.unreachable", 0);
        queue().drain(QueueClient.DEAD_LETTER_QUEUE);
    }

    @Test
    void theReporterAsksForAnUncompressedAnswer() throws Exception {
        String key = TestSecrets.sessionKey("iden");
        ANSWERS.put(key, ok(envelope(SUCCEEDED, response("<Response>77</Response>"))));
        SERVER.clear();

        queue().sendText(key);

        assertThat(queue().receive(QueueClient.DEAD_LETTER_QUEUE, 3_000)).as("reported").isNull();
        assertThat(SERVER.requestHeads()).singleElement().satisfies(
                head -> assertThat(head).containsIgnoringCase("\r\nAccept-Encoding: identity\r\n"));
    }

    private static String envelope(String headers, String body) {
        return "<s:Envelope xmlns:s=\"" + SOAP + "\"><s:Header>" + headers + "</s:Header><s:Body>" + body
                + "</s:Body></s:Envelope>";
    }

    private static String response(String content) {
        return "<ReportSessionActiveResponse xmlns=\"" + NS + "\">" + content + "</ReportSessionActiveResponse>";
    }

    private static String ok(String xml) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: "
                + xml.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + xml;
    }

    private static String redirect(int status) {
        return "HTTP/1.1 " + status + " Moved\r\nLocation: https://elsewhere.example.invalid/Cust1/Remote/Services88/"
                + "CustomerService.svc?ticket=" + TestSecrets.TICKET + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static String compressed(String encoding) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = "gzip".equals(encoding) ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
            out.write(envelope(SUCCEEDED, response("<Response>7</Response>")).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Encoding: " + encoding
                + "\r\nContent-Length: " + bytes.size() + "\r\n\r\n" + bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
