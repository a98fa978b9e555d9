package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.StartupRefusal;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a route the others depend on, the reporter does not start; the message names what is missing. */
class RequiredRoutesTest {
    /** The route templates the built-in triggers file makes its routes from. */
    private static final String TEMPLATES = "classpath:session-reporter/templates.camel.yaml";
    @TempDir
    Path dataDir;

    @Test
    void refusesToStartWithoutTheReportAndDeadLetterRoutes() throws Exception {
        // report-session.camel.yaml left out: report-session, session-reporter-call and dead-letter are missing
        String error = startupError(TEMPLATES + ",classpath:routes/error-handling.camel.yaml,classpath:routes/triggers.camel.yaml,"
                + "classpath:routes/timer-target.camel.yaml");

        assertThat(error).contains("session-reporter-report").contains("session-reporter-call").contains("session-reporter-dead-letter")
                .doesNotContain("session-reporter-queue-trigger").doesNotContain("session-reporter-timer-key");
    }

    @Test
    void refusesToStartWithoutAQueueRouteThatCarriesTheBreakerGate() throws Exception {
        Path triggers = dataDir.resolve("triggers.camel.yaml");
        // the built-in triggers, but the queue route without its routePolicy: the breaker could not pause it
        Files.writeString(triggers, Files.readString(Path.of("routes/triggers.camel.yaml"))
                .replace("      - name: consumptionPolicy\n        value: sessionReporterQueueConsumptionGate\n", ""));

        String error = startupError(TEMPLATES + ",classpath:routes/error-handling.camel.yaml,classpath:routes/report-session.camel.yaml,"
                + "classpath:routes/timer-target.camel.yaml,file:" + triggers);

        assertThat(error).contains("session-reporter-queue-trigger").contains("sessionReporterQueueConsumptionGate");
    }

    private String startupError(String routes) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        Properties overrides = new Properties();
        // a configuration that starts otherwise (nothing is called): only the routes are under test
        overrides.setProperty("superoffice.url", "http://127.0.0.1:9/Cust1/Remote/Services88/CustomerService.svc");
        overrides.setProperty("superoffice.application-token", TestSecrets.APPLICATION_TOKEN);
        overrides.setProperty("superoffice.ticket", TestSecrets.TICKET);
        // the route files under test instead of the shipped ones
        overrides.setProperty("camel.main.routes-include-pattern", routes);
        // should the broker start: a free port and a folder of this test
        overrides.setProperty("broker.embedded.port", Integer.toString(FreePort.find()));
        overrides.setProperty("broker.embedded.data-dir", dataDir.resolve("broker").toString());
        overrides.setProperty("reporter.cluster.file.root", dataDir.resolve("cluster").toString());
        // not under test
        overrides.setProperty("reporter.management.enabled", "false");
        main.setOverrideProperties(overrides);
        return StartupRefusal.messageOf(main);
    }
}
