package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/**
 * Camel Main's built-in {@code dev} profile switches on its developer tooling after the properties are applied; the
 * reporter's {@code dev} profile file switches it off, and {@link DevProfileCamelSettings} makes those lines count.
 * A bare Camel Main (no routes, no reporter beans) shows both: Camel's behaviour without the listener and ours with it.
 */
class DevProfileCamelSettingsTest {

    @Test
    void withoutTheListenerCamelsDevProfileOverridesTheProperties() throws Exception {
        inStartedMain("dev", false, camel -> {
            assertThat(camel.isMessageHistory()).as("Camel's dev profile wins over camel.main.message-history").isTrue();
            assertThat(camel.isLoadHealthChecks()).isTrue();
            assertThat(camel.getManagementStrategy().getManagementAgent().getStatisticsLevel())
                    .isEqualTo(ManagementStatisticsLevel.Extended);
        });
    }

    @Test
    void devProfileKeepsTheCamelSettingsItsPropertiesGive() throws Exception {
        inStartedMain("dev", true, camel -> {
            assertThat(camel.isMessageHistory()).isFalse();
            assertThat(camel.isLoadHealthChecks()).isFalse();
            assertThat(camel.isDevConsole()).isFalse();
            assertThat(camel.isSourceLocationEnabled()).isFalse();
            assertThat(camel.isTracingStandby()).isFalse();
            assertThat(camel.getInflightRepository().isInflightBrowseEnabled()).isFalse();
            assertThat(camel.getManagementStrategy().getManagementAgent().getLoadStatisticsEnabled()).isFalse();
            assertThat(camel.getManagementStrategy().getManagementAgent().getStatisticsLevel())
                    .isEqualTo(ManagementStatisticsLevel.RoutesOnly);
        });
    }

    @Test
    void otherProfilesAreLeftToCamel() throws Exception {
        inStartedMain("prod", true, camel -> {
            assertThat(camel.isMessageHistory()).isFalse();
            assertThat(camel.getManagementStrategy().getManagementAgent().getStatisticsLevel())
                    .isEqualTo(ManagementStatisticsLevel.RoutesOnly);
        });
    }

    private static void inStartedMain(String profile, boolean withListener, Consumer<CamelContext> check) throws Exception {
        Properties properties = new Properties();
        // the subject: Camel settings whose values Camel's own dev profile would override (no application.properties)
        properties.setProperty("camel.main.message-history", "false");
        properties.setProperty("camel.main.load-health-checks", "false");
        properties.setProperty("camel.main.dev-console-enabled", "false");
        properties.setProperty("camel.main.source-location-enabled", "false");
        properties.setProperty("camel.trace.standby", "false");
        properties.setProperty("camel.main.inflight-repository-browse-enabled", "false");
        properties.setProperty("camel.main.load-statistics-enabled", "false");
        properties.setProperty("camel.main.jmx-management-statistics-level", "RoutesOnly");
        Main main = new Main();
        main.configure().withProfile(profile);
        // none of the reporter's files: no application.properties, no routes
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().withRoutesIncludePattern("false");
        if (withListener) {
            main.addMainListener(new DevProfileCamelSettings());
        }
        main.setOverrideProperties(properties);
        main.start();
        try {
            check.accept(main.getCamelContext());
        } finally {
            main.stop();
        }
    }
}
