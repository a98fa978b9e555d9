package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.StartupRefusal;
import dev.sessionreporter.support.TestSecrets;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/** Settings the reporter refuses to start with: one clear configuration error naming the property. */
class StartupRefusalsTest {

    /** broker.embedded.enabled=false (the Karaf default): without broker.url there is no broker to use. */
    @Test
    void refusesToStartWithoutBrokerUrlWhenTheEmbeddedBrokerIsOff() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("broker.url", "");
        settings.setProperty("broker.embedded.enabled", "false");

        assertThat(startupError(settings)).contains("broker.url").contains("BROKER_URL");
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
