package dev.sessionreporter;

import dev.sessionreporter.broker.ListDeadLetters;
import dev.sessionreporter.broker.RedriveDeadLetters;
import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.broker.SendSessionKeys;
import dev.sessionreporter.simulator.SimulatorCommandLine;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the reporter on Camel Main: {@code ./application.properties} (with the defaults inside the jar behind it),
 * the active profile's settings in front of it, and the routes built into the jar plus those of an optional
 * {@code ./routes/} folder ({@link ReporterRoutesCollector}).
 * <p>
 * The profile comes from {@code CAMEL_MAIN_PROFILE} / {@code -Dcamel.main.profile} and defaults to {@code demo}, which
 * runs against the built-in SuperOffice simulator; {@code prod} never starts the simulator; any other name is refused
 * ({@link Profiles}).
 * <p>
 * The first argument {@code send}, {@code redrive}, {@code dead-letters} or {@code simulator} runs an operator command
 * instead; {@code --help} lists them with their options and exit codes.
 * <p>
 * Exit codes: 0 after a clean stop (SIGTERM or Ctrl+C included: in-flight reports finish first, see
 * {@link ExitOnStop}); 1 when it cannot start, or when the stop took longer than {@code reporter.shutdown.timeout}
 * and in-flight reports were cut short (their queue messages stay on the queue).
 */
public final class SessionReporterApplication {
    static final String DEFAULT_PROFILE = Profiles.DEMO;
    public static final String SENSITIVE_KEYWORDS = "applicationtoken,ticket,sessionkeys,sessions,truststorepassword,keystorepassword,systemusertoken,queuesecret";
    private static final Logger LOG = LoggerFactory.getLogger(SessionReporterApplication.class);
    static final String IDLE_CONNECTIONS = "http.maxConnections";
    /** More than the calls in flight the shipped cap (superoffice.max-calls-in-flight) and the README's settings allow. */
    static final String STANDALONE_IDLE_CONNECTIONS = "256";

    /** Added to the stop bound of {@link ExitOnStop}: start-up may still be running, a cut-short call may still end. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(30);
    /** How long a command (the simulator) may take to stop after a stop signal. */
    private static final Duration COMMAND_STOP = Duration.ofSeconds(10);
    /** Camel's own default, used when a stop signal arrives before the CamelContext exists. */
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(45);

    private SessionReporterApplication() {
    }

    public static void main(String[] args) {
        if (isCommand(args)) {
            // the simulator runs until a stop signal: its exit code is 0 then, not the signal's 143
            ExitOnStop.install(() -> COMMAND_STOP).exit(run(args));
            return;
        }
        ownJvmKeepsIdleConnections();
        Main main = createMain();
        // Artemis client threads are not daemons: always leave through System.exit (or, once a stop signal has begun
        // the JVM's shutdown, through the ExitOnStop hook) so that a failed start cannot hang.
        ExitOnStop exit = ExitOnStop.install(() -> longestStop(main));
        exit.exit(run(main, new String[0]));
    }

    /**
     * Only here, in the standalone process, which owns its JVM (the library code never changes a JVM-wide setting): the
     * JDK keeps at most 5 idle keep-alive connections per server ({@code http.maxConnections}, read once per JVM), so
     * with 100 calls in flight most calls would close their connection and the next one open a new one (a TLS handshake
     * each). An explicit {@code -Dhttp.maxConnections} wins.
     */
    static void ownJvmKeepsIdleConnections() {
        if (System.getProperty(IDLE_CONNECTIONS) == null) {
            System.setProperty(IDLE_CONNECTIONS, STANDALONE_IDLE_CONNECTIONS);
        }
    }

    /**
     * The commands: {@code run} (the default) starts the reporter (here without the stop hook: used by tests);
     * {@code send}, {@code redrive}, {@code dead-letters} and {@code simulator} are the operator commands. Returns the
     * exit code.
     */
    static int run(String[] args) {
        String command = args.length == 0 || args[0].startsWith("-") && !isHelp(args[0]) ? "run" : args[0];
        String[] commandArgs = args.length == 0 || !args[0].equals(command) ? args
                : Arrays.copyOfRange(args, 1, args.length);
        return switch (command) {
            case "run" -> {
                if (commandArgs.length > 0) {
                    yield isHelp(commandArgs[0]) ? help(RUN_USAGE) : wrongArguments("run", "unknown option "
                            + commandArgs[0] + " (settings come from application.properties, environment variables"
                            + " or -Dname=value before -jar)", RUN_USAGE);
                }
                yield run(createMain(), commandArgs);
            }
            case "send" -> SendSessionKeys.run(commandArgs);
            case "redrive" -> RedriveDeadLetters.run(commandArgs);
            case "dead-letters" -> ListDeadLetters.run(commandArgs);
            case "simulator" -> SimulatorCommandLine.run(commandArgs);
            case "--help", "-help", "-h", "help" -> help(USAGE);
            default -> wrongArguments("session-reporter", "unknown command " + command, USAGE);
        };
    }

    /** Anything but a plain start of the reporter: it needs no stop hook and leaves through System.exit. */
    private static boolean isCommand(String[] args) {
        return !(args.length == 0 || args.length == 1 && args[0].equals("run"));
    }

    private static boolean isHelp(String arg) {
        return List.of("--help", "-help", "-h", "help").contains(arg);
    }

    private static int help(String usage) {
        System.out.println(usage);
        return 0;
    }

    private static int wrongArguments(String command, String problem, String usage) {
        System.err.println(command + ": " + problem);
        System.err.println(usage);
        return 2;
    }

    static final String RUN_USAGE = """
            usage: java -jar session-reporter.jar [run]
              Runs the reporter with ./application.properties and the active profile (CAMEL_MAIN_PROFILE: demo, the
              default, or prod); settings come from that file, environment variables or -Dname=value before -jar.
              exit codes: 0 after a clean stop, 1 it cannot start or a stop cut reports short, 2 wrong arguments""";

    static final String USAGE = """
            usage: java -jar session-reporter.jar [COMMAND [OPTIONS]]
            commands: run (the default), send, redrive, dead-letters, simulator; COMMAND --help shows one alone.

            %s

            %s

            %s

            %s

            %s"""
            .formatted(RUN_USAGE, SendSessionKeys.USAGE, RedriveDeadLetters.USAGE, ListDeadLetters.USAGE,
                    SimulatorCommandLine.USAGE);

    private static Main createMain() {
        return createMain(activeProfile());
    }

    static Main createMain(String profile) {
        Main main = new Main();
        main.configure().withProfile(profile);
        main.addMainListener(Profiles.knownProfileCheck());
        main.addMainListener(new PlaceholderValuesCheck());
        main.setRoutesCollector(new ReporterRoutesCollector());
        // Also in application.properties; set here too so the start-up summary never shows a secret.
        main.configure().withAdditionalSensitiveKeywords(SENSITIVE_KEYWORDS);
        main.configure().addConfiguration(SessionReporterConfiguration.class);
        main.setPropertyPlaceholderLocations(propertyLocations(profile));
        return main;
    }

    private static int run(Main main, String[] args) {
        try {
            main.run(args);
            CamelContext context = main.getCamelContext();
            if (context != null && context.getShutdownStrategy().isTimeoutOccurred()) {
                LOG.warn("Session reporter stopped after reporter.shutdown.timeout with reports still in flight: reports"
                        + " that had not finished were cut short; their queue messages are not acknowledged and stay on"
                        + " the queue");
                return 1;
            }
            return Math.max(main.getExitCode(), 0);
        } catch (Throwable e) {
            logStartFailure(e);
            return 1;
        }
    }

    /** One ERROR line: a configuration error by its message alone, anything else with its root cause and trace. */
    public static void logStartFailure(Throwable e) {
        StartupConfigurationException configurationError = Causes.find(e, StartupConfigurationException.class);
        if (configurationError != null) {
            LOG.error("Session reporter cannot start: {}", configurationError.getMessage());
        } else {
            LOG.error("Session reporter cannot start: {}", rootMessage(Causes.root(e)), e);
        }
    }

    /**
     * How long a stop may take before {@link ExitOnStop} gives up: Camel's shutdown timeout (reporter.shutdown.timeout)
     * plus Camel Main's extra shutdown timeout for the services plus a margin.
     */
    private static Duration longestStop(Main main) {
        CamelContext context = main.getCamelContext();
        Duration shutdownTimeout = context == null ? DEFAULT_SHUTDOWN_TIMEOUT
                : Duration.ofMillis(context.getShutdownStrategy().getTimeUnit()
                        .toMillis(context.getShutdownStrategy().getTimeout()));
        return shutdownTimeout
                .plusSeconds(main.getShutdownStrategy().getExtraShutdownTimeout())
                .plus(STOP_MARGIN);
    }

    /**
     * The secrets file if one is named, then the profile file (it overrides), then the working directory's
     * application.properties, then the jar's copy.
     */
    static String propertyLocations(String profile) {
        return secretsFileLocation() + "classpath:application-" + profile + ".properties;optional=true,"
                + "file:application.properties;optional=true,"
                + "classpath:application.properties;optional=true";
    }

    /**
     * SESSION_REPORTER_SECRETS_FILE (or -Dsession-reporter.secrets-file): a properties file with the secrets, e.g. a
     * mounted container secret readable only by the service user. It overrides every other file.
     */
    public static String secretsFileLocation() {
        return Optional.ofNullable(System.getProperty("session-reporter.secrets-file"))
                .or(() -> Optional.ofNullable(System.getenv("SESSION_REPORTER_SECRETS_FILE")))
                .map(String::strip).filter(file -> !file.isEmpty())
                .map(file -> "file:" + file + ",")
                .orElse("");
    }

    static String activeProfile() {
        return Optional.ofNullable(System.getProperty("camel.main.profile"))
                .or(() -> Optional.ofNullable(System.getenv("CAMEL_MAIN_PROFILE")))
                // as given: Camel Main reads the same variable as it is, and both must mean the same profile
                .filter(p -> !p.isBlank())
                .orElse(DEFAULT_PROFILE);
    }

    private static String rootMessage(Throwable root) {
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
