package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.secret.SessionKeyMask;
import dev.sessionreporter.support.CannedHttpServer;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.CountingInvariant;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A server that echoes what it was sent in a changed form — upper- or lower-cased, base64, hex, URL-encoded, cut off —
 * in its error text, in elements, attributes and comments the reporter does not read, and in an HTML error page. None
 * of these forms of the token, the ticket or the session key may reach the log (the SOAP wire log is on) or a
 * dead-letter header.
 */
class EchoingServerSecretsTest extends ReporterTestSupport {
    // attached before the Camel context exists, so that every line is captured
    private static final CapturedLog LOG = CapturedLog.attach();
    private static final CannedHttpServer SERVER = new CannedHttpServer();
    private static final String NS = "http://www.superoffice.net/ws/crm/NetServer/Services88";
    private static final String ENVELOPE_START = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">";

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // address: a canned server that echoes what the simulator never would
        properties.setProperty("superoffice.url", SERVER.url("/Cust00000/Remote/Services88/CustomerService.svc"));
        // the SOAP wire log is on: it shows the server's answers, which must be redacted too
        properties.setProperty("superoffice.wire-logging", "true");
        // an HTML error page is retried like any 5xx: no waiting between the tries
        properties.setProperty("reporter.retry.redelivery-delay", "10");
        return properties;
    }

    @AfterAll
    void stopServer() {
        SERVER.close();
    }

    @Test
    void noFormOfASecretTheServerEchoesReachesTheLogOrADeadLetter() throws Exception {
        String rejected = TestSecrets.sessionKey("rjct");
        String echoedInSuccess = TestSecrets.sessionKey("echo");
        String htmlPage = TestSecrets.sessionKey("html");

        SERVER.answer(200, "text/xml; charset=utf-8", ENVELOPE_START + "<s:Header><Succeeded xmlns=\"" + NS
                + "\">false</Succeeded><ExceptionInfo xmlns=\"" + NS + "\"><ExceptionType>SoException</ExceptionType>"
                + "<Message>" + echoes(rejected) + "</Message></ExceptionInfo></s:Header><s:Body/></s:Envelope>");
        queue().sendText(rejected);
        awaitDeadLetters(1);

        String echo = echoes(echoedInSuccess);
        SERVER.answer(200, "text/xml; charset=utf-8", ENVELOPE_START + "<s:Header><Succeeded xmlns=\"" + NS
                + "\">true</Succeeded><ExtraInfo xmlns=\"" + NS + "\"><ExtraInfoNameValuePair><Key>echo</Key><Value>"
                + echo + "</Value></ExtraInfoNameValuePair></ExtraInfo><Debug xmlns=\"urn:debug\">" + echo
                + "</Debug></s:Header><s:Body><!-- " + echo + " --><ReportSessionActiveResponse xmlns=\"" + NS
                + "\" echo=\"" + echo + "\"><Response>42</Response></ReportSessionActiveResponse></s:Body></s:Envelope>");
        queue().sendText(echoedInSuccess);
        String reportedLine = "Session " + SessionKeyMask.mask(echoedInSuccess) + " reported active";
        await().atMost(Duration.ofSeconds(15)).until(() -> LOG.text().contains(reportedLine));

        SERVER.answer(500, "text/html; charset=utf-8", "<html><body><h1>Server Error</h1><p>" + echoes(htmlPage)
                + "</p></body></html>");
        queue().sendText(htmlPage);
        awaitDeadLetters(2);

        CountingInvariant.of(List.of(rejected, echoedInSuccess, htmlPage))
                .assertHolds(queue(), key -> LOG.text().contains("Session " + SessionKeyMask.mask(key) + " reported active"),
                        context);
        List<Message> deadLetters = queue().browse(QueueClient.DEAD_LETTER_QUEUE);
        Map<String, String> secrets = Map.of("the application token", TestSecrets.APPLICATION_TOKEN,
                "the ticket", TestSecrets.TICKET, "a rejected session key", rejected,
                "a session key echoed in a success", echoedInSuccess, "a session key echoed in an HTML page", htmlPage);
        String log = LOG.text();
        // (booleans and names only, so that a failure never prints a secret)
        assertThat(log.contains("rjct… dead-lettered") && log.contains("<ReportSessionActive")
                && log.contains("Server Error")).as("the log, the wire log included, was captured").isTrue();
        secrets.forEach((name, secret) -> {
            assertThat(leakedForms(log, secret)).as("forms of %s in the log", name).isEmpty();
            for (Message deadLetter : deadLetters) {
                for (String property : properties(deadLetter)) {
                    assertThat(leakedForms(property(deadLetter, property), secret))
                            .as("forms of %s in dead-letter header %s", name, property).isEmpty();
                }
            }
        });
    }

    /** What a hostile server might send back: each secret of the call in every changed form, and cut off. */
    private static String echoes(String sessionKey) {
        return List.of(TestSecrets.TICKET, TestSecrets.APPLICATION_TOKEN, sessionKey).stream()
                .flatMap(secret -> forms(secret).values().stream())
                .collect(Collectors.joining(" | "));
    }

    /** The changed forms of {@code secret} by name (the name is what a failure shows). */
    private static Map<String, String> forms(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        return Map.of("upper case", secret.toUpperCase(Locale.ROOT), "lower case", secret.toLowerCase(Locale.ROOT),
                "base64", Base64.getEncoder().encodeToString(bytes),
                "base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                "hex", HexFormat.of().formatHex(bytes),
                "URL-encoded", URLEncoder.encode(secret, StandardCharsets.UTF_8),
                "cut after 12 characters", secret.substring(0, 12) + "...");
    }

    /** The names of the forms of {@code secret} found in {@code text} (case-insensitive; a cut form by its piece). */
    private static List<String> leakedForms(String text, String secret) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> leaked = new ArrayList<>();
        forms(secret).forEach((name, form) -> {
            String piece = form.endsWith("...") ? form.substring(0, form.length() - 3) : form;
            if (lower.contains(piece.toLowerCase(Locale.ROOT))) {
                leaked.add(name);
            }
        });
        return leaked;
    }

    /** Waits until {@code count} dead letters are there (each answer stays canned until its key has ended). */
    private void awaitDeadLetters(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> queue().browse(QueueClient.DEAD_LETTER_QUEUE).size() == count);
    }

    private static List<String> properties(Message message) {
        try {
            @SuppressWarnings("unchecked")
            List<String> names = Collections.list((java.util.Enumeration<String>) message.getPropertyNames());
            return names.stream().filter(name -> name.startsWith("SessionReporter")).toList();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String property(Message message, String name) {
        try {
            return String.valueOf(message.getObjectProperty(name));
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
