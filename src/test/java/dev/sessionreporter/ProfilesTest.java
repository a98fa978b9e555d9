package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.StartupRefusal;
import dev.sessionreporter.support.FreePort;
import dev.sessionreporter.support.TestSecrets;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiles: only demo and prod exist; the demo (the default) never takes a server or credentials from outside, and
 * its name does not switch on Camel Main's developer mode (Camel reserves the profile name {@code dev}).
 */
class ProfilesTest {
    @TempDir
    Path dataDir;

    @Test
    void theDefaultProfileLeavesCamelOutOfItsDeveloperMode() throws Exception {
        Main main = new Main();
        main.configure().withProfile(SessionReporterApplication.DEFAULT_PROFILE);
        // none of the reporter's files: only the profile's effect on Camel is under test
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().withRoutesIncludePattern("false");
        main.start();
        try {
            CamelContext camel = main.getCamelContext();
            assertThat(camel.isMessageHistory()).as("message history (Camel's dev mode: on)").isFalse();
            assertThat(camel.isSourceLocationEnabled()).as("source locations (Camel's dev mode: on)").isFalse();
            assertThat(camel.isDevConsole()).as("developer console (Camel's dev mode: on)").isFalse();
        } finally {
            main.stop();
        }
    }

    @Test
    void refusesAnUnknownProfileNamingTheVariableAndTheKnownOnes() throws Exception {
        String error = startupError("production", new Properties());

        assertThat(error).contains("production").contains("CAMEL_MAIN_PROFILE").contains("demo").contains("prod");
    }

    /** Forgetting CAMEL_MAIN_PROFILE=prod with a real server configured must not send it the demo keys. */
    @Test
    void demoRefusesAServerAddressAndCredentialsSetFromOutside() throws Exception {
        Properties outside = new Properties();
        // as SUPEROFFICE_URL / SUPEROFFICE_TICKET would: override properties win over every file
        outside.setProperty("superoffice.url", "https://crm.example.com/Cust1/Remote/Services88/CustomerService.svc");
        outside.setProperty("superoffice.ticket", TestSecrets.TICKET);

        String error = startupError(Profiles.DEMO, outside);

        assertThat(error).contains("superoffice.url").contains("superoffice.ticket").contains("CAMEL_MAIN_PROFILE=prod")
                .doesNotContain(TestSecrets.TICKET).doesNotContain("crm.example.com");
    }

    @Test
    void demoRefusesLoginCredentialsOfARealServer() throws Exception {
        Properties outside = new Properties();
        // as SUPEROFFICE_USERNAME / SUPEROFFICE_PASSWORD would
        outside.setProperty("superoffice.username", "operator");
        outside.setProperty("superoffice.password", "pw-" + TestSecrets.TICKET);

        String error = startupError(Profiles.DEMO, outside);

        assertThat(error).contains("superoffice.username").contains("superoffice.password")
                .contains("CAMEL_MAIN_PROFILE=prod").doesNotContain("operator");
    }

    /** The application's Camel Main in that profile, with free ports and folders of its own. */
    private String startupError(String profile, Properties outside) throws Exception {
        Main main = SessionReporterApplication.createMain(profile);
        Properties overrides = new Properties();
        // should anything start: free ports and a folder of this test
        overrides.setProperty("simulator.port", Integer.toString(FreePort.find()));
        overrides.setProperty("broker.embedded.port", Integer.toString(FreePort.find()));
        overrides.setProperty("broker.embedded.data-dir", dataDir.resolve("broker").toString());
        overrides.setProperty("reporter.cluster.file.root", dataDir.resolve("cluster").toString());
        // no management server: not under test
        overrides.setProperty("reporter.management.enabled", "false");
        overrides.putAll(outside);
        main.setOverrideProperties(overrides);
        return StartupRefusal.messageOf(main);
    }
}
