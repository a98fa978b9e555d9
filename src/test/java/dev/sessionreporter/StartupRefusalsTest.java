package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.simulator.TestCertificates;
import dev.sessionreporter.support.StartupRefusal;
import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Settings the reporter refuses to start with: one clear configuration error naming the property. */
class StartupRefusalsTest {
    private static final String LOGIN_PASSWORD = "Pw-5ecret-Login-Kq81";
    private static final String SYSTEM_USER_TOKEN = "SysUser-5ecret-Tok-Vb27";
    private static final String WRONG_STORE_PASSWORD = "Wrong-5ecret-Store-Pw";

    /** broker.embedded.enabled=false (the Karaf default): without broker.url there is no broker to use. */
    @Test
    void refusesToStartWithoutBrokerUrlWhenTheEmbeddedBrokerIsOff() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("broker.url", "");
        settings.setProperty("broker.embedded.enabled", "false");

        assertThat(startupError(settings)).contains("broker.url").contains("BROKER_URL");
    }

    /** broker.ha=true is for a primary/backup pair named in broker.url: the embedded broker has no backup. */
    @Test
    void refusesBrokerHaWithoutBrokerUrl() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("broker.url", "");
        settings.setProperty("broker.ha", "true");

        assertThat(startupError(settings)).contains("broker.ha=true").contains("BROKER_HA").contains("broker.url");
    }

    /** The Artemis client knows 0 (no retry), a count, and -1 (without end); anything below is a typo. */
    @Test
    void refusesReconnectAttemptsBelowMinusOne() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("broker.reconnect-attempts", "-2");

        assertThat(startupError(settings)).contains("broker.reconnect-attempts").contains("BROKER_RECONNECT_ATTEMPTS")
                .contains("-2");
    }

    /**
     * The timer route's precondition is a Simple predicate: a typo there failed with "SimpleIllegalSyntaxException:
     * Unexpected token f", naming neither the property nor its environment variable.
     */
    @Test
    void refusesToStartWhenTimerEnabledIsNeitherTrueNorFalse() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("reporter.timer.enabled", "flase");

        assertThat(startupError(settings)).contains("reporter.timer.enabled must be one of true, false")
                .contains("REPORTER_TIMER_ENABLED");
    }

    /**
     * Timer keys on the queue are exempt from duplicate suppression only with a mark signed with
     * reporter.timer.queue-secret: without one the timer cannot mark them, and a short one could be guessed from a mark.
     */
    @ParameterizedTest
    @CsvSource({"queue, ''", "queue, short-secret", "report, short-secret"})
    void refusesATimerQueueSecretThatIsMissingOrShort(String target, String secret) throws Exception {
        Properties settings = new Properties();
        // the combination under test: where the timer's keys go, and the secret that marks them
        settings.setProperty("reporter.timer.target", target);
        settings.setProperty("reporter.timer.queue-secret", secret);

        assertThat(startupError(settings)).contains("reporter.timer.queue-secret")
                .contains("REPORTER_TIMER_QUEUE_SECRET").contains("at least 16 characters").doesNotContain("short-secret");
    }

    /**
     * Plain http is allowed only to this machine, decided on the addresses the host name resolves to: a name that merely
     * starts like a loopback address ({@code .invalid} never resolves, so nothing is contacted) or hides one in the user
     * info is another machine, and the token and ticket would travel unencrypted.
     */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1.example.invalid:9/Cust1/Remote/Services88/CustomerService.svc",
            "http://localhost.example.invalid/Cust1/Remote/Services88/CustomerService.svc",
            "http://127.0.0.1@evil.invalid/Cust1/Remote/Services88/CustomerService.svc",
            "http://localhost:9@evil.invalid/Cust1/Remote/Services88/CustomerService.svc"})
    void refusesPlainHttpToAHostThatOnlyLooksLikeThisMachine(String url) throws Exception {
        Properties settings = new Properties();
        // the address under test
        settings.setProperty("superoffice.url", url);

        assertThat(startupError(settings)).contains("superoffice.url uses plain http:// to ")
                .contains("superoffice.allow-insecure-http=true").doesNotContain(TestSecrets.APPLICATION_TOKEN);
    }

    /** The login addresses receive the password or the system-user token: the same rule as superoffice.url. */
    @ParameterizedTest
    @CsvSource({"password, superoffice.auth.so-principal-url", "system-user, superoffice.auth.system-user-url",
            "system-user, superoffice.auth.jwks-url"})
    void refusesPlainHttpToALoginAddressThatOnlyLooksLikeThisMachine(String mode, String property) throws Exception {
        Properties settings = new Properties();
        // the login mode that uses the address under test, and its credentials (nothing is called: refused first)
        settings.setProperty("superoffice.auth.mode", mode);
        settings.setProperty("superoffice.ticket", "");
        settings.setProperty("superoffice.username", "reporter");
        settings.setProperty("superoffice.password", LOGIN_PASSWORD);
        settings.setProperty("superoffice.auth.system-user-token", SYSTEM_USER_TOKEN);
        settings.setProperty("superoffice.auth.private-key-file", "/nonexistent/key.pem");
        settings.setProperty("superoffice.auth.context-identifier", "Cust1");
        // the address under test: its name starts like loopback, but it is another machine
        settings.setProperty(property, "http://127.0.0.1.example.invalid/login");

        assertThat(startupError(settings)).contains(property + " uses plain http:// to 127.0.0.1.example.invalid")
                .doesNotContain(LOGIN_PASSWORD).doesNotContain(SYSTEM_USER_TOKEN);
    }

    /**
     * A trust store that cannot be read stopped the start with the key store's own words only: the operator must learn
     * which property to fix, and never read its password.
     */
    @ParameterizedTest
    @CsvSource({"missing, PKCS12, changeit", "present, PKCS12, " + WRONG_STORE_PASSWORD, "present, PKCS-12, changeit"})
    void refusesATrustStoreThatCannotBeReadNamingTheProperty(String file, String type, String password,
            @TempDir Path dir) throws Exception {
        Path trustStore = dir.resolve("trust.p12");
        if (file.equals("present")) {
            TestCertificates.localhost().writeTrustStore(trustStore);
        }
        Properties settings = new Properties();
        // the trust store under test: missing, or read with a wrong password or type
        settings.setProperty("superoffice.tls.trust-store", trustStore.toString());
        settings.setProperty("superoffice.tls.trust-store-type", type);
        settings.setProperty("superoffice.tls.trust-store-password", password);

        assertThat(startupError(settings)).contains("superoffice.tls.trust-store").contains(trustStore.toString())
                .doesNotContain(WRONG_STORE_PASSWORD).doesNotContain("changeit");
    }

    private static String startupError(Properties settings) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        Properties overrides = new Properties();
        // address and credentials the shipped file leaves empty (nothing is called: the start is refused first)
        overrides.setProperty("superoffice.url", "http://127.0.0.1:9/Cust1/Remote/Services88/CustomerService.svc");
        overrides.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        overrides.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // port: the shipped fixed 9876 may be in use, and the management server is not the subject
        overrides.setProperty("reporter.management.enabled", "false");
        overrides.putAll(settings);
        main.setOverrideProperties(overrides);
        return StartupRefusal.messageOf(main);
    }
}
