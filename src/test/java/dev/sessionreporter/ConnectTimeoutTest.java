package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.failure.ReporterHeaders;
import dev.sessionreporter.support.QueueClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A server that takes no more connections (its accept queue is full, so the kernel drops the connection attempts) is a
 * connect timeout: UNREACHABLE and retried, told from a receive timeout by where it happened, not by message text.
 */
class ConnectTimeoutTest extends ReporterTestSupport {
    private static ServerSocket fullServer;
    private static final List<Socket> QUEUED = new ArrayList<>();

    @Override
    protected Properties extraProperties() {
        try {
            fullServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            // never accepted: these fill the accept queue, later connection attempts get no answer
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), fullServer.getLocalPort()), 200);
                QUEUED.add(socket);
            }
        } catch (IOException e) {
            // the queue is full once a connect attempt times out
            if (fullServer == null) {
                throw new UncheckedIOException(e);
            }
        }
        Properties properties = new Properties();
        // the far side is a server that takes no more connections
        properties.setProperty("superoffice.url",
                "http://127.0.0.1:" + fullServer.getLocalPort() + "/Cust00000/Remote/Services88/CustomerService.svc");
        // short, so that three attempts fit the test's wait; the receive timeout stays as shipped
        properties.setProperty("superoffice.connect-timeout", "300");
        return properties;
    }

    @AfterAll
    static void closeServer() throws IOException {
        for (Socket socket : QUEUED) {
            socket.close();
        }
        fullServer.close();
    }

    @Test
    void aConnectTimeoutIsRetriedAndDeadLetteredAsUnreachable() throws Exception {
        String key = TestSecrets.sessionKey("ctimeout");

        queue().sendText(key);

        Message deadLetter = queue().receive(QueueClient.DEAD_LETTER_QUEUE, 15_000);
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_REASON)).isEqualTo("UNREACHABLE");
        assertThat(deadLetter.getStringProperty(ReporterHeaders.FAILURE_DETAIL)).isEqualTo("connect timed out");
        assertThat(deadLetter.getIntProperty(ReporterHeaders.ATTEMPTS)).isEqualTo(3);
    }
}
