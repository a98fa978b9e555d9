package dev.sessionreporter;

import dev.sessionreporter.failure.Causes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Every reporter property that a route ({@code routes/*.camel.yaml}) or one of Camel's own settings (the
 * {@code camel.* = {{reporter...}}} lines of application.properties) takes as a placeholder, with what its option
 * accepts. Camel reads some options only when first used, and names its own option rather than ours: checked at
 * start-up instead, so that a value the option cannot take stops the start with one line naming the property.
 * A placeholder added to those files without an entry here fails {@code PlaceholderChecksTest}.
 */
final class PlaceholderChecks {
    /** A check of one value; throws {@link StartupConfigurationException} naming the property. */
    interface Check {
        void check(String property, String value);
    }

    private static final Check BOOLEAN = (property, value) -> Settings.oneOf(property, value.strip(), "true", "false");
    /** Camel's scheduler and jms options of type long read the same duration text (PropertyConfigurerSupport). */
    private static final Check DURATION = Settings::millis;
    private static final Check DURATION_OR_ZERO = Settings::nonNegativeMillis;
    private static final Check POSITIVE_INT = (property, value) ->
            Settings.wholeNumber(property, value, 1, Integer.MAX_VALUE, "a whole number, 1 or more");
    private static final Check NON_NEGATIVE_INT = (property, value) ->
            Settings.wholeNumber(property, value, 0, Integer.MAX_VALUE, "a whole number, 0 or more");
    private static final Check PORT = (property, value) ->
            Settings.wholeNumber(property, value, 0, 65535, "a TCP port (1 to 65535; 0: any free port)");
    private static final Check HOST = (property, value) -> {
        if (value.isBlank() || value.strip().chars().anyMatch(Character::isWhitespace)) {
            throw new StartupConfigurationException("Property " + property + " must be a host name or address such as"
                    + " 127.0.0.1, not '" + value + "'");
        }
    };
    private static final Check TIMER_TARGET = (property, value) -> Settings.oneOf(property, value, "report", "queue");

    /** Property -> what its options accept; the endpoint URIs are {@link #ENDPOINT_URIS}. */
    static final Map<String, Check> VALUES = new LinkedHashMap<>();
    static {
        // routes/triggers.camel.yaml and routes/timer-target.camel.yaml
        VALUES.put("reporter.timer.enabled", BOOLEAN);
        VALUES.put("reporter.timer.period", DURATION);
        VALUES.put("reporter.timer.initial-delay", DURATION_OR_ZERO);
        VALUES.put("reporter.timer.target", TIMER_TARGET);
        VALUES.put("reporter.queue.enabled", BOOLEAN);
        VALUES.put("reporter.queue.concurrent-consumers", POSITIVE_INT);
        // routes/report-session.camel.yaml: the bulkhead and the rate Throttle of the SOAP call
        VALUES.put("superoffice.max-calls-in-flight", POSITIVE_INT);
        VALUES.put("superoffice.max-calls-per-second", NON_NEGATIVE_INT);
        // application.properties: camel.threadpool.config[session-reporter-timer-reports].* and camel.management.*
        VALUES.put("reporter.timer.concurrency", POSITIVE_INT);
        VALUES.put("reporter.management.enabled", BOOLEAN);
        VALUES.put("reporter.management.host", HOST);
        VALUES.put("reporter.management.port", PORT);
    }

    /** Endpoint URIs of the routes: resolved once at start-up, so that an unknown scheme or option names the property. */
    static final Set<String> ENDPOINT_URIS = Set.of("reporter.queue.uri", "reporter.result.uri", "reporter.dead-letter.uri");

    private PlaceholderChecks() {
    }

    /** Every placeholder property this class checks. */
    static Set<String> properties() {
        Set<String> all = new java.util.TreeSet<>(VALUES.keySet());
        all.addAll(ENDPOINT_URIS);
        return all;
    }

    /** The values alone: needs nothing but the properties (Camel Main calls it before it reads camel.*). */
    static void checkValues(PropertiesComponent properties) {
        VALUES.forEach((property, check) -> check.check(property, value(properties, property)));
    }

    /** The values, the endpoint URIs (the components must be bound) and the management server's address. */
    static void checkAll(CamelContext camelContext) {
        PropertiesComponent properties = camelContext.getPropertiesComponent();
        checkValues(properties);
        for (String property : ENDPOINT_URIS) {
            checkEndpoint(camelContext, property, value(properties, property));
        }
        if (Boolean.parseBoolean(value(properties, "reporter.management.enabled").strip())) {
            checkManagementAddressFree(value(properties, "reporter.management.host").strip(),
                    Integer.parseInt(value(properties, "reporter.management.port").strip()));
        }
    }

    private static void checkEndpoint(CamelContext camelContext, String property, String uri) {
        Settings.require(property, uri);
        Endpoint endpoint;
        try {
            endpoint = camelContext.getEndpoint(uri.strip());
        } catch (RuntimeException e) {
            Throwable root = Causes.root(e);
            throw new StartupConfigurationException("Property " + property + " is not an endpoint URI Camel can use ("
                    + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()) + ")");
        }
        if (endpoint == null) {
            throw new StartupConfigurationException("Property " + property + " names no Camel component (environment"
                    + " variable " + Settings.environmentVariable(property) + ")");
        }
    }

    /**
     * Camel's management server (Vert.x) binds in the background: a port in use was only logged, with a stack trace,
     * while the reporter kept running and still announced the port. Tried here first.
     */
    private static void checkManagementAddressFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new StartupConfigurationException("The management server cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "): choose a free port with reporter.management.port (REPORTER_MANAGEMENT_PORT),"
                    + " check reporter.management.host, or switch it off with reporter.management.enabled=false");
        }
    }

    private static String value(PropertiesComponent properties, String property) {
        String value = properties.resolveProperty(property).orElse(null);
        Settings.require(property, value);
        return value;
    }
}
