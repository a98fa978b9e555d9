package dev.sessionreporter.karaf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Properties;
import java.util.Set;

/**
 * The reporter's settings in Karaf: the ConfigAdmin configuration {@value #PID} ({@code etc/dev.sessionreporter.cfg},
 * the property names of {@code application.properties}) on top of the Karaf defaults below, which differ from the
 * standalone runtime's. The bundle's own {@code application.properties} holds every other default; environment
 * variables and system properties of the Karaf JVM override all of it, as in the standalone runtime (Camel's
 * properties component).
 */
final class KarafSettings {
    static final String PID = "dev.sessionreporter";
    /** Folder of the route files, watched for added and changed {@code *.camel.yaml} files. */
    static final String ROUTES_DIRECTORY = "reporter.karaf.routes-directory";
    static final String PROFILE = "camel.main.profile";
    /** prod: never the built-in simulator, no plain http:// to a remote SuperOffice. */
    static final String DEFAULT_PROFILE = "prod";
    /** The route templates the folder's triggers file makes its routes from: in the bundle, not in the folder. */
    static final String TEMPLATES = "classpath:session-reporter/templates.camel.yaml";

    /** ConfigAdmin's and fileinstall's own entries: not reporter settings. */
    private static final Set<String> CONTAINER_KEYS = Set.of("service.pid", "service.factoryPid",
            "service.bundleLocation", "felix.fileinstall.filename");

    private KarafSettings() {
    }

    /**
     * The properties Camel Main gets as override properties.
     *
     * @param configuration the ConfigAdmin configuration (never null)
     * @param karafEtc      {@code ${karaf.etc}}
     * @param karafData     {@code ${karaf.data}}
     */
    static Properties overrides(Dictionary<String, ?> configuration, Path karafEtc, Path karafData) {
        Properties properties = new Properties();
        // Karaf defaults: the container already runs an HTTP server and JMX of its own (no Vert.x management server),
        // and an embedded broker inside a shared container must be asked for explicitly.
        properties.setProperty("reporter.management.enabled", "false");
        properties.setProperty("broker.embedded.enabled", "false");
        properties.setProperty("broker.embedded.data-dir", karafData.resolve("session-reporter").resolve("broker").toString());
        properties.setProperty("reporter.cluster.file.root", karafData.resolve("session-reporter").resolve("cluster").toString());
        properties.setProperty(ROUTES_DIRECTORY, karafEtc.resolve("session-reporter").resolve("routes").toString());
        for (String key : Collections.list(configuration.keys())) {
            Object value = configuration.get(key);
            if (!CONTAINER_KEYS.contains(key) && value != null) {
                properties.setProperty(key, String.valueOf(value).strip());
            }
        }
        // The routes: the templates and every *.camel.yaml of the folder. A file added or changed is loaded again and replaces the
        // routes with the same ids; the other routes keep running. (Camel's remove-all-routes reload loads a file once
        // per route it holds, and our files hold several: duplicate route ids.) The same keys as
        // application.properties, so these replace its file:routes/ pattern.
        String routes = routesDirectory(properties).toString();
        properties.setProperty("camel.main.routes-include-pattern", TEMPLATES + ",file:" + routes + "/*.camel.yaml");
        properties.setProperty("camel.main.routes-reload-enabled", "true");
        properties.setProperty("camel.main.routes-reload-directory", routes);
        properties.setProperty("camel.main.routes-reload-pattern", "*.camel.yaml");
        properties.setProperty("camel.main.routes-reload-remove-all-routes", "false");
        return properties;
    }

    static Path routesDirectory(Properties overrides) {
        return Path.of(overrides.getProperty(ROUTES_DIRECTORY)).toAbsolutePath();
    }

    static String profile(Properties overrides) {
        String profile = overrides.getProperty(PROFILE, "").strip();
        return profile.isEmpty() ? DEFAULT_PROFILE : profile;
    }
}
