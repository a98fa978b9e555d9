package dev.sessionreporter;

import dev.sessionreporter.broker.RedriveDeadLetters;
import dev.sessionreporter.broker.SendSessionKeys;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the reporter on Camel Main: {@code ./application.properties} (with the defaults inside the jar behind it),
 * the active profile's settings in front of it, and the routes from {@code ./routes/*.camel.yaml}.
 * <p>
 * The profile comes from {@code CAMEL_MAIN_PROFILE} / {@code -Dcamel.main.profile} and defaults to {@code dev}, which
 * runs against the built-in SuperOffice simulator; {@code prod} never starts the simulator.
 * <p>
 * The first argument {@code send} or {@code redrive} runs an operator command instead (see README).
 */
public final class SessionReporterApplication {
    static final String DEFAULT_PROFILE = "dev";
    static final String SENSITIVE_KEYWORDS = "applicationtoken,ticket,sessionkeys,sessions";
    private static final Logger LOG = LoggerFactory.getLogger(SessionReporterApplication.class);

    private SessionReporterApplication() {
    }

    public static void main(String[] args) {
        // Artemis client threads are not daemons: always leave through System.exit so a failed start cannot hang.
        System.exit(run(args));
    }

    /**
     * {@code send KEY...} and {@code redrive ...} run the operator commands of {@code broker/}; anything else starts the
     * reporter. Returns the exit code.
     */
    static int run(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        String[] commandArgs = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        return switch (command) {
            case "send" -> SendSessionKeys.run(commandArgs);
            case "redrive" -> RedriveDeadLetters.run(commandArgs);
            default -> startReporter(args);
        };
    }

    private static int startReporter(String[] args) {
        String profile = activeProfile();
        Main main = new Main();
        main.configure().withProfile(profile);
        // Also in application.properties; set here too so the start-up summary never shows a secret.
        main.configure().withAdditionalSensitiveKeywords(SENSITIVE_KEYWORDS);
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations(propertyLocations(profile));
        try {
            main.run(args);
            return Math.max(main.getExitCode(), 0);
        } catch (Throwable e) {
            StartupConfigurationException configurationError = find(e, StartupConfigurationException.class);
            if (configurationError != null) {
                LOG.error("Session reporter cannot start: {}", configurationError.getMessage());
            } else {
                LOG.error("Session reporter cannot start: {}", rootMessage(e), e);
            }
            return 1;
        }
    }

    /** Profile file first (it overrides), then the working directory's application.properties, then the jar's copy. */
    static String propertyLocations(String profile) {
        return "classpath:application-" + profile + ".properties;optional=true,"
                + "file:application.properties;optional=true,"
                + "classpath:application.properties;optional=true";
    }

    static String activeProfile() {
        return Optional.ofNullable(System.getProperty("camel.main.profile"))
                .or(() -> Optional.ofNullable(System.getenv("CAMEL_MAIN_PROFILE")))
                .map(p -> p.strip().toLowerCase(Locale.ROOT))
                .filter(p -> !p.isEmpty())
                .orElse(DEFAULT_PROFILE);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
