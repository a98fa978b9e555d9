package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.Properties;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.Test;

/**
 * In a shared JVM (Karaf, a host application) the reporter must not create CXF's default bus, which every other CXF
 * client then uses: password mode's SoPrincipal login (a JAX-WS Dispatch, which takes the thread's bus or else the
 * default one) and the CustomerService client (whose data binding fell back to the default bus) run on the reporter's
 * own bus.
 */
class PasswordLoginHostJvmTest extends ReporterTestSupport {
    private static final String USER = "host-jvm-user";
    private static final String PASSWORD = "host-jvm-password-4711";

    static {
        // a fresh host JVM: no CXF client has created the default bus yet (earlier tests in this fork may have)
        BusFactory.setDefaultBus(null);
    }

    @Override
    protected Properties extraProperties() {
        SIMULATOR.addUser(USER, PASSWORD);
        Properties properties = new Properties();
        // the subject: password mode, whose SoPrincipal login is a CXF client of its own
        properties.setProperty("superoffice.auth.mode", "password");
        properties.setProperty("superoffice.ticket", "");
        properties.setProperty("superoffice.username", USER);
        properties.setProperty("superoffice.password", PASSWORD);
        return properties;
    }

    @Test
    void loginAndReportCreateNoCxfDefaultBus() {
        String key = TestSecrets.sessionKey("hostpw");
        SIMULATOR.addSession(key, 78);
        int logins = SIMULATOR.loginCount();

        queue().sendText(key);
        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.acceptedReportCount(key) == 1);

        assertThat(SIMULATOR.loginCount()).as("logged in through SoPrincipal").isGreaterThan(logins);
        assertThat(BusFactory.getDefaultBus(false)).as("CXF's default bus, the host's other clients' one").isNull();
    }
}
