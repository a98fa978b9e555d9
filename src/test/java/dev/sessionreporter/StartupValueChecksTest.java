package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.StartupRefusal;
import dev.sessionreporter.support.TestSecrets;
import dev.sessionreporter.support.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
                .contains("reporter.retry.redelivery-delay").contains("REPORTER_RETRY_REDELIVERY_DELAY");
    }

    /** The timer period is also the JMS timeToLive of queued timer keys: that option's conversion error named neither. */
    @Test
    void refusesATimerPeriodThatIsNotADurationNamingTheProperty() {
        assertThat(startupError("reporter.timer.period", "5 minutes"))
                .startsWith("Property reporter.timer.period must be milliseconds or a duration")
                .contains("REPORTER_TIMER_PERIOD").doesNotContain("timeToLive");
    }

    /** Camel's management server binds in the background: a port in use was logged while the reporter kept running. */
    @Test
    void refusesAManagementPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Properties settings = new Properties();
            // the subject: the management server on, on a port another process holds
            settings.setProperty("reporter.management.enabled", "true");
            settings.setProperty("reporter.management.host", "127.0.0.1");
            settings.setProperty("reporter.management.port", Integer.toString(taken.getLocalPort()));

            assertThat(startupError(settings)).contains("127.0.0.1:" + taken.getLocalPort())
                    .contains("reporter.management.port");
        }
    }

    @Test
    void refusesASimulatorPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Properties settings = new Properties();
            // the subject: the demo profile's built-in simulator on a port another process holds
            settings.setProperty("simulator.port", Integer.toString(taken.getLocalPort()));

            assertThat(startupError(Profiles.DEMO, settings)).contains("127.0.0.1:" + taken.getLocalPort())
                    .contains("simulator.port");
        }
    }

    /** Without Camel Main's listener (Karaf, tests): the configuration class checks the same values. */
    @Test
    void theConfigurationClassAloneRefusesAQueueEnabledThatIsNeitherTrueNorFalse() {
        Properties settings = new Properties();
        settings.setProperty("reporter.queue.enabled", "yes");

        assertThat(startupError(settings, false)).contains("reporter.queue.enabled must be one of true, false");
    }

    static String startupError(String property, String value) {
        Properties settings = new Properties();
        settings.setProperty(property, value);
        return startupError(settings);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("session-reporter-startup");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String startupError(Properties settings) {
        return startupError(null, settings, true);
    }

    static String startupError(String profile, Properties settings) {
        return startupError(profile, settings, true);
    }

    private static String startupError(Properties settings, boolean asTheJar) {
        return startupError(null, settings, asTheJar);
    }

    /** {@code profile} demo: its own server and credentials (the simulator's), as the jar reads them. */
    private static String startupError(String profile, Properties settings, boolean asTheJar) {
        Main main = new Main();
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        if (asTheJar) {
            // as the jar's main class: the values are checked before Camel Main applies its camel.* settings
            main.addMainListener(new PlaceholderValuesCheck());
        }
        Properties overrides = new Properties();
        if (profile == null) {
            main.setPropertyPlaceholderLocations("classpath:application.properties");
            overrides.setProperty("superoffice.url", "http://127.0.0.1:9/Cust1/Remote/Services88/CustomerService.svc");
            overrides.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
            overrides.setProperty("superoffice.ticket", TestSecrets.TICKET);
        } else {
            main.configure().withProfile(profile);
            main.setPropertyPlaceholderLocations(SessionReporterApplication.propertyLocations(profile));
        }
        // no HTTP server for a context that is not meant to start
        overrides.setProperty("reporter.management.enabled", "false");
        Path data = temporaryDirectory();
        // a start that gets as far as the broker and the timer's lock keeps them out of the working directory
        overrides.setProperty("broker.embedded.data-dir", data.resolve("broker").toString());
        overrides.setProperty("broker.embedded.port", Integer.toString(FreePort.find()));
        overrides.setProperty("reporter.cluster.file.root", data.resolve("cluster").toString());
        overrides.putAll(settings);
        main.setOverrideProperties(overrides);
        return StartupRefusal.messageOf(main);
    }
}
