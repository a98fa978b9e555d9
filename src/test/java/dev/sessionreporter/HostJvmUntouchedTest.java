package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.kamelet.SessionActiveClient;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.ws.policy.PolicyEngine;
import org.junit.jupiter.api.Test;

/**
 * The reporter in a JVM it shares (Karaf, a host application): after it has started and reported, the system properties
 * of the JDK's and CXF's HTTP clients are as the host set them, and CXF's default bus, which the host's other CXF clients use, is not the
 * reporter's and keeps WS-Policy on.
 */
class HostJvmUntouchedTest extends ReporterTestSupport {
    private static final List<String> HTTP_CLIENT_PROPERTIES = List.of("org.apache.cxf.transport.http.forceURLConnection",
            "sun.net.http.retryPost", "http.maxConnections");
    /** The host's own settings before the reporter starts (surefire sets http.maxConnections as a JVM owner would). */
    private static final Map<String, String> BEFORE = new HashMap<>();

    static {
        HTTP_CLIENT_PROPERTIES.forEach(name -> BEFORE.put(name, System.getProperty(name)));
        // a fresh host JVM: no CXF client has created the default bus yet (earlier tests in this fork may have)
        BusFactory.setDefaultBus(null);
    }

    @Test
    void reportingChangesNoSystemPropertyAndNotCxfsDefaultBus() {
        String key = TestSecrets.sessionKey("host");
        SIMULATOR.addSession(key, 77);

        queue().sendText(key);
        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);

        HTTP_CLIENT_PROPERTIES.forEach(name -> assertThat(System.getProperty(name)).as(name).isEqualTo(BEFORE.get(name)));
        assertThat(System.getProperty("org.apache.cxf.transport.http.forceURLConnection")).isNull();
        assertThat(System.getProperty("sun.net.http.retryPost")).isNull();

        Bus reporterBus = context.getRegistry().lookupByNameAndType("sessionReporterSessionActiveClient", SessionActiveClient.class).bus().bus();
        assertThat(reporterBus.getExtension(PolicyEngine.class).isEnabled()).as("off on the reporter's own bus").isFalse();
        // what the host's next CXF client gets
        Bus defaultBus = BusFactory.getDefaultBus();
        assertThat(defaultBus).isNotSameAs(reporterBus);
        assertThat(defaultBus.getExtension(PolicyEngine.class).isEnabled()).isTrue();
    }
}
