package dev.sessionreporter.operate;

import dev.sessionreporter.auth.AuthMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the routes have started, one INFO message of a few lines with what an operator needs to know: profile, server
 * and auth mode, triggers, where results and dead letters go, broker and management address. Addresses pass through
 * Camel's URI sanitizer (user info and password-like parameters masked); no secret is read into it. Camel's own
 * property summaries are left to DEBUG (log4j2.properties).
 */
public final class StartupBanner implements StartupListener {
    /** The log category of the banner. */
    public static final String LOGGER = "dev.sessionreporter.startup";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final AtomicBoolean logged = new AtomicBoolean();

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // nothing yet: the banner comes once every route has started
    }

    /** Camel passes alreadyStarted=true here too (the context counts as started by then): once per start instead. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (logged.compareAndSet(false, true)) {
            LOG.info(String.join(System.lineSeparator(), lines(context)));
        }
    }

    /** Which cluster service elects the timer's leader (ClusterConfiguration): ZooKeeper, the lock file or another. */
    private static String electedBy(Settings settings) {
        if (!settings.get("reporter.cluster.zookeeper.nodes").isBlank()) {
            return " (ZooKeeper " + settings.get("reporter.cluster.zookeeper.nodes")
                    + settings.get("reporter.cluster.zookeeper.base-path") + ")";
        }
        return settings.isTrue("reporter.cluster.file.enabled")
                ? " (lock files in " + settings.get("reporter.cluster.file.root") + ")" : "";
    }

    /** The banner's lines, the first one a headline. */
    public static List<String> lines(CamelContext context) {
        Settings settings = new Settings(context.getPropertiesComponent());
        List<String> lines = new ArrayList<>();
        String profile = context.getCamelContextExtension().getProfile();
        lines.add("Session reporter started (profile " + (profile == null ? "none" : profile) + ", Apache Camel "
                + context.getVersion() + ")");
        lines.add(row("SuperOffice", address(settings.get("superoffice.url")) + ", auth mode "
                + AuthMode.resolve(settings.get("superoffice.auth.mode"), settings.get("superoffice.ticket"),
                        settings.get("superoffice.username"), settings.get("superoffice.auth.system-user-token"))
                        .propertyValue()));
        lines.add(row("calls", "at most " + settings.get("superoffice.max-calls-in-flight") + " in flight"
                + (settings.get("superoffice.max-calls-per-second").equals("0") ? ""
                        : " and " + settings.get("superoffice.max-calls-per-second") + " per second")
                + ", connect timeout " + settings.get("superoffice.connect-timeout") + ", answer within "
                + settings.get("superoffice.receive-timeout") + ", " + settings.get("reporter.retry.maximum-redeliveries")
                + " retries from " + settings.get("reporter.retry.redelivery-delay") + " (x"
                + settings.get("reporter.retry.back-off-multiplier") + ", at most "
                + settings.get("reporter.retry.maximum-redelivery-delay") + "), circuit breaker "
                + onOff(settings.get("reporter.circuit-breaker.enabled"))));
        lines.add(row("timer", !settings.isTrue("reporter.timer.enabled") ? "off"
                : "every " + settings.get("reporter.timer.period") + ", " + keyCount(settings.get("reporter.timer.session-keys"))
                        + " key(s)" + (settings.get("reporter.timer.session-keys-file").isEmpty() ? ""
                                : " + the file " + settings.get("reporter.timer.session-keys-file"))
                        + ", " + settings.get("reporter.timer.concurrency") + " at a time, target "
                        + settings.get("reporter.timer.target") + "; runs on the leader of "
                        + settings.get("reporter.cluster.namespace") + electedBy(settings)));
        lines.add(row("queue", !settings.isTrue("reporter.queue.enabled") ? "off"
                : address(settings.get("reporter.queue.uri")) + ", " + settings.get("reporter.queue.concurrent-consumers")
                        + " consumers, duplicates window " + settings.get("reporter.duplicates.window")));
        lines.add(row("results", address(settings.get("reporter.result.uri"))));
        lines.add(row("dead letters", address(settings.get("reporter.dead-letter.uri"))));
        lines.add(row("broker", settings.get("broker.url").isEmpty()
                ? "embedded, tcp://" + settings.get("broker.embedded.host") + ":" + settings.get("broker.embedded.port")
                        + (settings.get("broker.username").isEmpty() ? " (no login)" : " (one user)") + ", journal "
                        + settings.get("broker.embedded.data-dir")
                : address(settings.get("broker.url")) + " (external)"));
        String management = "http://" + settings.get("reporter.management.host") + ":"
                + settings.get("reporter.management.port") + "/observe/";
        lines.add(row("management", !settings.isTrue("reporter.management.enabled") ? "off"
                : management + "health, " + management + "metrics"));
        lines.add(row("summary log", "0".equals(settings.get("reporter.log.summary-interval")) ? "off"
                : "every " + settings.get("reporter.log.summary-interval")));
        return lines;
    }

    private static String row(String name, String value) {
        return "  " + String.format("%-13s", name) + value;
    }

    /** A URL or endpoint URI as it may be shown: user info and password-like query parameters masked. */
    static String address(String uri) {
        return uri.isEmpty() ? "(none)" : URISupport.sanitizeUri(uri);
    }

    private static String onOff(String flag) {
        return Boolean.parseBoolean(flag) ? "on" : "off";
    }

    private static long keyCount(String keys) {
        return Arrays.stream(keys.split(",")).filter(key -> !key.isBlank()).count();
    }

    /** The resolved value of a property, stripped; empty when it is not set. */
    private record Settings(PropertiesComponent properties) {
        String get(String name) {
            return properties.resolveProperty(name).map(String::strip).orElse("");
        }

        boolean isTrue(String name) {
            return Boolean.parseBoolean(get(name));
        }
    }
}
