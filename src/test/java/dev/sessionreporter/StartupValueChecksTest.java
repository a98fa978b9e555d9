package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.support.TestSecrets;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/**
 * Values an option cannot take stop the start with one line naming the property, instead of failing at the first
 * outage or with a conversion error about a Camel option.
 */
class StartupValueChecksTest {

    /** Camel's redeliveryPolicy options are read at the first failure only: checked at start-up instead. */
    @Test
    void refusesARetryDelayThatIsNotADuration() {
        assertThat(startupError("reporter.retry.redelivery-delay", "1 sec"))
                .contains("reporter.retry.redelivery-delay");
    }

    static String startupError(String property, String value) {
        Properties settings = new Properties();
        settings.setProperty(property, value);
        return startupError(settings);
    }

    static String startupError(Properties settings) {
        Main main = new Main();
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        Properties overrides = new Properties();
        overrides.setProperty("superoffice.url", "http://127.0.0.1:9/Cust1/Remote/Services88/CustomerService.svc");
        overrides.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        overrides.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // no HTTP server for a context that is not meant to start
        overrides.setProperty("reporter.management.enabled", "false");
        overrides.putAll(settings);
        main.setOverrideProperties(overrides);
        try {
            Throwable failure = catchThrowable(main::start);
            StartupConfigurationException error = Causes.find(failure, StartupConfigurationException.class);
            assertThat(error).as("a start-up configuration error, not %s", failure).isNotNull();
            return error.getMessage();
        } finally {
            main.stop();
        }
    }
}
