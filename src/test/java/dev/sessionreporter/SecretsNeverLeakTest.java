package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.CapturedLog;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Runs successes and every kind of failure with recognisable token, ticket and session keys — including a server that
 * echoes them back in its error text — and searches all log output (from start-up on) and every dead-letter header for
 * the literal values, and so does every attribute of Camel's JMX MBeans. Failure messages name the secret, never print it.
 */
class SecretsNeverLeakTest extends ReporterTestSupport {
    // attached before the Camel context exists, so the start-up configuration summary is captured too
    private static final CapturedLog LOG = CapturedLog.attach();

    private static final String TIMER_KEY = TestSecrets.sessionKey("tmr1");
    private static final String OK_KEY = TestSecrets.sessionKey("okay");
    private static final String JSON_KEY = TestSecrets.sessionKey("json");
    private static final String UNKNOWN_KEY = TestSecrets.sessionKey("unkn");
    private static final String REJECTED_KEY = TestSecrets.sessionKey("rjct");
    private static final String FAULT_KEY = TestSecrets.sessionKey("falt");
    private static final String BUSY_KEY = TestSecrets.sessionKey("busy");
    private static final String SLOW_KEY = TestSecrets.sessionKey("slow");
    private static final String BAD_KEY = TestSecrets.sessionKey("badk");

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(TIMER_KEY, 1);
        Properties properties = new Properties();
        // the timer's log lines must mask the key too: a tick every second with its own key
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "1s");
        properties.setProperty("reporter.timer.session-keys", TIMER_KEY);
        // a timeout (and its log lines) within the test's wait instead of the shipped 10 s
        properties.setProperty("superoffice.receive-timeout", "300");
        // the SOAP wire log is on: it must mask the secrets too
        properties.setProperty("superoffice.wire-logging", "true");
        // a configured queue secret (optional with target=report) must stay out of the start-up summary and the log
        properties.setProperty("reporter.timer.queue-secret", TestSecrets.TIMER_QUEUE_SECRET);
        return properties;
    }

    @Test
    void noSecretInLogsOrDeadLetterHeaders() throws Exception {
        for (String key : List.of(OK_KEY, JSON_KEY, REJECTED_KEY, FAULT_KEY, BUSY_KEY, SLOW_KEY)) {
            SIMULATOR.addSession(key, 42);
        }
        String echo = "ticket " + TestSecrets.TICKET + " token " + TestSecrets.APPLICATION_TOKEN + " session ";
        SIMULATOR.failFor(REJECTED_KEY, SimulatedFailure.serverException("SoCredentialsException", echo + REJECTED_KEY));
        SIMULATOR.failFor(FAULT_KEY, SimulatedFailure.soapFault(echo + FAULT_KEY));
        SIMULATOR.failFor(BUSY_KEY, SimulatedFailure.httpStatus(503));
        SIMULATOR.failFor(SLOW_KEY, SimulatedFailure.delay(Duration.ofSeconds(1)));

        queue().sendText(OK_KEY);
        queue().sendText("{\"sessionKey\":\"" + JSON_KEY + "\"}");
        queue().sendText(UNKNOWN_KEY);
        queue().sendText(REJECTED_KEY);
        queue().sendText(FAULT_KEY);
        queue().sendText(BUSY_KEY);
        queue().sendText(SLOW_KEY);
        queue().sendText(BAD_KEY + " with a space");

        List<Message> deadLetters = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message message = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 200);
            if (message != null) {
                deadLetters.add(message);
            }
            return deadLetters.size() == 6;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(OK_KEY) >= 1
                && SIMULATOR.acceptedReportCount(JSON_KEY) >= 1 && SIMULATOR.acceptedReportCount(TIMER_KEY) >= 1);

        Map<String, String> secrets = Map.ofEntries(
                Map.entry("the application token", TestSecrets.APPLICATION_TOKEN),
                Map.entry("the ticket", TestSecrets.TICKET),
                Map.entry("the timer session key", TIMER_KEY),
                Map.entry("a reported session key", OK_KEY),
                Map.entry("a JSON session key", JSON_KEY),
                Map.entry("an unknown session key", UNKNOWN_KEY),
                Map.entry("a rejected session key", REJECTED_KEY),
                Map.entry("a faulted session key", FAULT_KEY),
                Map.entry("a retried session key", BUSY_KEY),
                Map.entry("a timed-out session key", SLOW_KEY),
                Map.entry("the timer's queue secret", TestSecrets.TIMER_QUEUE_SECRET));
        String log = LOG.text();
        // the log was captured and shows the masked forms
        assertThat(log).contains("okay…", "rjct… dead-lettered", "reason=SERVER_REJECTED", "reason=TIMEOUT", "tmr1…");
        secrets.forEach((name, value) -> {
            if (log.contains(value)) {
                fail("The log contains " + name + " in: " + lineContaining(log, value, secrets.values()));
            }
        });
        // (checked after the leak scan, and as booleans, so a failure never prints the log)
        assertThat(log.contains("<ReportSessionActive") && log.contains(">XXX</SessionKey>")
                && log.contains(">XXX</ApplicationToken>") && log.contains(">XXX</Ticket>"))
                .as("the wire log shows the SOAP messages with token, ticket and key masked").isTrue();
        for (Message deadLetter : deadLetters) {
            for (String property : Collections.list((java.util.Enumeration<String>) deadLetter.getPropertyNames())) {
                String value = String.valueOf(deadLetter.getObjectProperty(property));
                secrets.forEach((name, secret) -> {
                    if (property.startsWith("SessionReporter") && value.contains(secret)) {
                        fail("Dead-letter header " + property + " contains " + name);
                    }
                });
            }
        }
        assertThat(deadLetters).extracting(message -> reason(message))
                .containsExactlyInAnyOrder("SESSION_NOT_FOUND", "SERVER_REJECTED", "SOAP_FAULT", "HTTP_ERROR", "TIMEOUT",
                        "INVALID_INPUT");
    }

    /**
     * With JMX on (camel-management, as for JConsole and Karaf users): no attribute of any Camel MBean — endpoint URIs,
     * route definitions, properties, statistics — shows the token, the ticket or a session key in full.
     */
    @Test
    void noSecretInJmxAttributes() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(TIMER_KEY) >= 1);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:*"), null);
        assertThat(names).as("Camel's MBeans are registered").isNotEmpty()
                .anyMatch(name -> "routes".equals(name.getKeyProperty("type"))
                        && name.getKeyProperty("name").contains("session-reporter-queue-trigger"));
        Map<String, String> secrets = Map.of("the application token", TestSecrets.APPLICATION_TOKEN,
                "the ticket", TestSecrets.TICKET, "the timer session key", TIMER_KEY);
        int read = 0;
        for (ObjectName name : names) {
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                String value;
                try {
                    value = String.valueOf(server.getAttribute(name, attribute.getName()));
                } catch (Exception | LinkageError notReadable) {
                    continue;
                }
                read++;
                secrets.forEach((secretName, secret) -> {
                    if (value.contains(secret)) {
                        fail("MBean " + name + " attribute " + attribute.getName() + " contains " + secretName);
                    }
                });
            }
        }
        assertThat(read).as("attributes read").isGreaterThan(100);
    }

    @Override
    protected boolean useJmx() {
        return true;
    }

    private static String reason(Message message) {
        try {
            return message.getStringProperty("SessionReporterFailureReason");
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The offending log line with every secret replaced, so the failure message does not leak them either. */
    private static String lineContaining(String log, String value, java.util.Collection<String> secrets) {
        String line = log.lines().filter(candidate -> candidate.contains(value)).findFirst().orElse("");
        for (String secret : secrets) {
            line = line.replace(secret, "<SECRET>");
        }
        return line;
    }
}
