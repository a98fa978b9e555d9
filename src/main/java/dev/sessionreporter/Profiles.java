package dev.sessionreporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListener;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The reporter's profiles ({@code CAMEL_MAIN_PROFILE} / {@code camel.main.profile}): {@value #DEMO}, the default, runs
 * the whole flow against the built-in simulator with demo keys ({@code application-demo.properties}); {@value #PROD}
 * reports to a real SuperOffice server ({@code application-prod.properties}). No other name is accepted: a typo would
 * otherwise start with neither profile's settings and checks.
 */
public final class Profiles {
    public static final String DEMO = "demo";
    public static final String PROD = "prod";
    public static final List<String> KNOWN = List.of(DEMO, PROD);
    static final String DEMO_PROPERTIES = "application-demo.properties";

    /** The demo's server and credentials: its file sets them; any other value comes from outside the demo. */
    private static final List<String> DEMO_OWN = List.of("superoffice.url", "superoffice.application-token",
            "superoffice.ticket");
    /** Addresses and credentials of a real server's login, which the demo never uses. */
    private static final List<String> REAL_SERVER_ONLY = List.of("superoffice.username", "superoffice.password",
            "superoffice.auth.so-principal-url", "superoffice.auth.system-user-token",
            "superoffice.auth.private-key-file", "superoffice.auth.context-identifier",
            "superoffice.auth.system-user-url", "superoffice.auth.jwks-url");

    private Profiles() {
    }

    /**
     * The profile if it is a known one; {@code null} (Camel Main without a profile: application.properties alone, as the
     * tests embed it) is left as it is.
     */
    public static String check(String profile) {
        if (profile == null || KNOWN.contains(profile)) {
            return profile;
        }
        throw new StartupConfigurationException("Unknown profile '" + profile + "' (CAMEL_MAIN_PROFILE or "
                + "camel.main.profile): use " + DEMO + " (the built-in simulator and demo keys; the default) or " + PROD
                + " (a real SuperOffice server)");
    }

    /**
     * Checks Camel Main's profile (as Camel itself read it: CAMEL_MAIN_PROFILE, camel.main.profile) before any bean is
     * created, so that an unknown name is the first and only error.
     */
    public static MainListener knownProfileCheck() {
        return new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport main) {
                check(main.configure().getProfile());
            }
        };
    }

    /**
     * The demo reports its demo keys to its own simulator only. A server address or credentials set from outside (an
     * environment variable, -D, the secrets file; login credentials also in application.properties, whose address and
     * ticket the demo file overrides) mean a real server was meant and the profile was forgotten: refuse, rather than
     * send demo keys there or silently ignore the setting.
     */
    public static void requireDemoServer(CamelContext camelContext, boolean simulatorEnabled) {
        PropertiesComponent properties = camelContext.getPropertiesComponent();
        Properties demo = demoProperties(camelContext);
        List<String> fromOutside = new ArrayList<>();
        for (String key : DEMO_OWN) {
            String own = camelContext.resolvePropertyPlaceholders(demo.getProperty(key, "")).strip();
            if (!own.equals(value(properties, key))) {
                fromOutside.add(key);
            }
        }
        for (String key : REAL_SERVER_ONLY) {
            if (!value(properties, key).isEmpty()) {
                fromOutside.add(key);
            }
        }
        if (!simulatorEnabled) {
            fromOutside.add("simulator.enabled=false");
        }
        if (!fromOutside.isEmpty()) {
            throw new StartupConfigurationException("Profile " + DEMO + " (the default) reports demo keys to the built-in "
                    + "simulator only, but " + String.join(", ", fromOutside) + (fromOutside.size() == 1 ? " is" : " are")
                    + " set from outside: to report to a real SuperOffice server, start with CAMEL_MAIN_PROFILE=" + PROD);
        }
    }

    private static String value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::strip).orElse("");
    }

    private static Properties demoProperties(CamelContext camelContext) {
        Properties demo = new Properties();
        try (InputStream in = camelContext.getClassResolver().loadResourceAsStream(DEMO_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(DEMO_PROPERTIES + " is missing from the class path");
            }
            demo.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return demo;
    }
}
