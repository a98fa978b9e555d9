package dev.sessionreporter.karaf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KarafSettingsTest {
    private static final Path ETC = Path.of("/opt/karaf/etc");
    private static final Path DATA = Path.of("/opt/karaf/data");

    @Test
    void karafDefaultsKeepTheEmbeddedBrokerAndTheManagementServerOffAndTheFilesUnderKarafData() {
        Properties overrides = KarafSettings.overrides(new Hashtable<>(), ETC, DATA);

        assertThat(overrides.getProperty("broker.embedded.enabled")).isEqualTo("false");
        assertThat(overrides.getProperty("reporter.management.enabled")).isEqualTo("false");
        assertThat(overrides.getProperty("broker.embedded.data-dir")).isEqualTo("/opt/karaf/data/session-reporter/broker");
        assertThat(overrides.getProperty("reporter.cluster.file.root")).isEqualTo("/opt/karaf/data/session-reporter/cluster");
        assertThat(KarafSettings.profile(overrides)).isEqualTo("prod");
    }

    @Test
    void routesComeFromTheFolderUnderKarafEtcAndAreReloaded() {
        Properties overrides = KarafSettings.overrides(new Hashtable<>(), ETC, DATA);

        assertThat(overrides.getProperty("camel.main.routes-include-pattern"))
                .isEqualTo("classpath:session-reporter/templates.camel.yaml,file:/opt/karaf/etc/session-reporter/routes/*.camel.yaml");
        assertThat(overrides.getProperty("camel.main.routes-reload-enabled")).isEqualTo("true");
        assertThat(overrides.getProperty("camel.main.routes-reload-directory")).isEqualTo("/opt/karaf/etc/session-reporter/routes");
        assertThat(overrides.getProperty("camel.main.routes-reload-pattern")).isEqualTo("*.camel.yaml");
    }

    @Test
    void theCfgOverridesTheKarafDefaultsAndMovesTheRoutesFolder() {
        Hashtable<String, Object> cfg = new Hashtable<>();
        cfg.put("broker.embedded.enabled", "true");
        cfg.put("superoffice.url", " https://example.invalid/Cust1/Remote/Services88/CustomerService.svc ");
        cfg.put(KarafSettings.ROUTES_DIRECTORY, "/srv/reporter-routes");
        cfg.put(KarafSettings.PROFILE, "demo");

        Properties overrides = KarafSettings.overrides(cfg, ETC, DATA);

        assertThat(overrides.getProperty("broker.embedded.enabled")).isEqualTo("true");
        assertThat(overrides.getProperty("superoffice.url"))
                .isEqualTo("https://example.invalid/Cust1/Remote/Services88/CustomerService.svc");
        assertThat(overrides.getProperty("camel.main.routes-include-pattern")).isEqualTo("classpath:session-reporter/templates.camel.yaml,file:/srv/reporter-routes/*.camel.yaml");
        assertThat(overrides.getProperty("camel.main.routes-reload-directory")).isEqualTo("/srv/reporter-routes");
        assertThat(KarafSettings.profile(overrides)).isEqualTo("demo");
    }

    @Test
    void configAdminsOwnEntriesAreNotSettings() {
        Hashtable<String, Object> cfg = new Hashtable<>();
        cfg.put("service.pid", KarafSettings.PID);
        cfg.put("felix.fileinstall.filename", "file:/opt/karaf/etc/dev.sessionreporter.cfg");

        Properties overrides = KarafSettings.overrides(cfg, ETC, DATA);

        assertThat(overrides).doesNotContainKeys("service.pid", "felix.fileinstall.filename");
    }
}
