package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.simulator.ReceivedRequest;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The timer reports the configured keys and the keys file every period, re-reading the file on each tick. */
class TimerTriggerTest extends ReporterTestSupport {
    private static final String LISTED_1 = TestSecrets.sessionKey("lst1");
    private static final String LISTED_2 = TestSecrets.sessionKey("lst2");
    private static final String UNKNOWN = TestSecrets.sessionKey("gone");
    private static final String FROM_FILE = TestSecrets.sessionKey("fil1");
    private static final String ADDED_LATER = TestSecrets.sessionKey("fil2");
    private static final Path KEYS_FILE = createKeysFile();

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addSession(LISTED_1, 101);
        SIMULATOR.addSession(LISTED_2, 102);
        SIMULATOR.addSession(FROM_FILE, 103);
        SIMULATOR.addSession(ADDED_LATER, 104);
        Properties properties = new Properties();
        // the timer is the subject: ticks every 300 ms with listed keys and a keys file the test changes
        properties.setProperty("reporter.timer.enabled", "true");
        properties.setProperty("reporter.timer.period", "300");
        properties.setProperty("reporter.timer.initial-delay", "100");
        properties.setProperty("reporter.timer.session-keys", LISTED_1 + ", " + LISTED_2 + "," + UNKNOWN);
        properties.setProperty("reporter.timer.session-keys-file", KEYS_FILE.toString());
        // the optional TimeZone header must be sent when set
        properties.setProperty("superoffice.time-zone-id", "12");
        // timer calls only
        properties.setProperty("reporter.queue.enabled", "false");
        return properties;
    }

    private static Path createKeysFile() {
        try {
            Path file = Files.createTempFile("session-keys", ".txt");
            Files.writeString(file, "# keys of the chat agents\n\n" + FROM_FILE + "\n" + LISTED_1 + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void reportsListedAndFileKeysEveryPeriodAndRereadsTheFile() throws IOException {
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(LISTED_1) >= 2
                && SIMULATOR.acceptedReportCount(LISTED_2) >= 2 && SIMULATOR.acceptedReportCount(FROM_FILE) >= 2);

        Files.writeString(KEYS_FILE, ADDED_LATER + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(ADDED_LATER) >= 1);
        int fromFileAfterChange = SIMULATOR.acceptedReportCount(FROM_FILE);
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(ADDED_LATER) >= 3);

        assertThat(SIMULATOR.acceptedReportCount(FROM_FILE)).as("a key removed from the file is no longer reported")
                .isLessThanOrEqualTo(fromFileAfterChange + 1);
    }

    @Test
    void listsEachKeyOncePerTickEvenWhenInListAndFile() {
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.acceptedReportCount(LISTED_2) >= 3);
        // LISTED_1 is in the property list and in the file: it must not be reported twice per tick
        assertThat(SIMULATOR.acceptedReportCount(LISTED_1))
                .isLessThanOrEqualTo(SIMULATOR.acceptedReportCount(LISTED_2) + 1);
    }

    @Test
    void sendsTimerReportsWithHeadersInsideSoapHeaderAndTheConfiguredTimeZone() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !SIMULATOR.requestsFor(LISTED_2).isEmpty());

        ReceivedRequest request = SIMULATOR.requestsFor(LISTED_2).get(0);
        assertThat(request.accepted()).isTrue();
        assertThat(request.httpVersion()).isEqualTo("HTTP/1.1");
        assertThat(request.soapEnvelopeNamespace()).isEqualTo("http://schemas.xmlsoap.org/soap/envelope/");
        assertThat(request.soapAction())
                .isEqualTo("\"http://www.superoffice.net/ws/crm/NetServer/Services88/CustomerService/ReportSessionActive\"");
        assertThat(request.headersInsideSoapHeader()).isTrue();
        assertThat(request.applicationToken()).isEqualTo(TestSecrets.APPLICATION_TOKEN);
        assertThat(request.ticket()).isEqualTo(TestSecrets.TICKET);
        assertThat(request.timeZoneId()).isEqualTo(12);
        assertThat(request.httpHeaders().keySet()).noneMatch(name -> name.startsWith("camel") || name.startsWith("session-reporter-jms"));
    }

    @Test
    void deadLettersTimerFailuresLikeQueueFailures() throws Exception {
        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 10_000);

        assertThat(deadLetter).isNotNull();
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(UNKNOWN);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("SESSION_NOT_FOUND");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.ROUTE_ID)).isEqualTo("session-reporter-timer-trigger");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(1);
    }
}
