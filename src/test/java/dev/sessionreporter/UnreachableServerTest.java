package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A server that refuses connections is retried with back-off, then the key is dead-lettered as UNREACHABLE. */
class UnreachableServerTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // address: a free port nobody listens on
        properties.setProperty("superoffice.url",
                "http://127.0.0.1:" + FreePort.find() + "/Cust00000/Remote/Services88/CustomerService.svc");
        return properties;
    }

    @Test
    void deadLettersAsUnreachableAfterRetries() throws Exception {
        String key = TestSecrets.sessionKey("down");
        long started = System.nanoTime();

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).isNotNull();
        assertThat(((TextMessage) deadLetter).getText()).isEqualTo(key);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(3);
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).containsIgnoringCase("connect");
        // back-off 20 ms then 40 ms (exponential): the retries waited
        assertThat(System.nanoTime() - started).isGreaterThan(60_000_000L);
        assertThat(queue().browse(QueueClient.INPUT_QUEUE)).as("acknowledged once dead-lettered").isEmpty();
    }
}
