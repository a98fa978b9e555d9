package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.support.TestSecrets;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/** broker.embedded.enabled=false (the Karaf default): without broker.url the reporter refuses to start. */
class EmbeddedBrokerSwitchTest {

    @Test
    void refusesToStartWithoutBrokerUrlWhenTheEmbeddedBrokerIsOff() throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        Properties overrides = new Properties();
        overrides.setProperty("superoffice.url", "http://127.0.0.1:9/Cust1/Remote/Services88/CustomerService.svc");
        overrides.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        overrides.setProperty("superoffice.ticket", TestSecrets.TICKET);
        overrides.setProperty("reporter.management.enabled", "false");
        overrides.setProperty("broker.url", "");
        overrides.setProperty("broker.embedded.enabled", "false");
        main.setOverrideProperties(overrides);
        try {
            Throwable failure = catchThrowable(main::start);

            StartupConfigurationException error = Causes.find(failure, StartupConfigurationException.class);
            assertThat(error).as("a start-up configuration error, not %s", failure).isNotNull();
            assertThat(error.getMessage()).contains("broker.url").contains("BROKER_URL");
        } finally {
            main.stop();
        }
    }
}
