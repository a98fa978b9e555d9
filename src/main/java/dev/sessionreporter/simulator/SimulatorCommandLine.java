package dev.sessionreporter.simulator;

import dev.sessionreporter.command.CommandOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The simulator as a process of its own ({@code java -jar session-reporter.jar simulator ...}): a SuperOffice server on
 * loopback to try the prod profile against, without a tenant.
 */
public final class SimulatorCommandLine {
    public static final String USAGE = """
            usage: simulator [--port N] [--ticket TICKET] [--application-token TOKEN] [--session KEY=LOGINID]...
                             [--user NAME=PASSWORD]...
              Runs the SuperOffice CustomerService simulator on 127.0.0.1 until stopped (Ctrl+C); prints its URL.
              --port N                   its port (default 8089; 0: any free port)
              --ticket TICKET            the ticket it accepts (or SIMULATOR_TICKET; required)
              --application-token TOKEN  the application token it accepts (or SIMULATOR_APPLICATION_TOKEN;
                                         default: not checked, like an on-site server)
              --session KEY=LOGINID      a session it knows, repeatable; any other key answers Response=0
              --user NAME=PASSWORD       a user SoPrincipal.svc logs in (auth mode password), repeatable
              --help                     this text
              exit codes: 0 stopped, 1 the port cannot be bound, 2 wrong arguments""";
    private static final List<String> OPTIONS = List.of("--port", "--ticket", "--application-token", "--session",
            "--user");

    private SimulatorCommandLine() {
    }

    /** Runs the simulator until the JVM is stopped; returns the exit code (1 port in use, 2 wrong arguments). */
    public static int run(String[] args) {
        CommandOptions options;
        int port;
        Map<String, Integer> sessions;
        Map<String, String> users;
        try {
            options = CommandOptions.parse(args, OPTIONS);
            port = options.count("--port", 8089);
            sessions = new LinkedHashMap<>();
            pairs(options.values("--session"), "--session", "KEY=LOGINID")
                    .forEach((key, loginId) -> sessions.put(key, loginId(loginId)));
            users = pairs(options.values("--user"), "--user", "NAME=PASSWORD");
        } catch (CommandOptions.WrongArguments e) {
            return usage(e.getMessage());
        }
        if (options.help()) {
            System.out.println(USAGE);
            return 0;
        }
        String token = options.value("--application-token").orElse(System.getenv("SIMULATOR_APPLICATION_TOKEN"));
        String ticket = options.value("--ticket").orElse(System.getenv("SIMULATOR_TICKET"));
        if (ticket == null || ticket.isBlank()) {
            return usage("--ticket (or SIMULATOR_TICKET) is required");
        }
        CustomerServiceSimulator simulator = new CustomerServiceSimulator(token, ticket);
        sessions.forEach(simulator::addSession);
        users.forEach(simulator::addUser);
        try {
            simulator.start(port);
        } catch (IllegalStateException e) {
            System.err.println("simulator: " + e.getMessage() + " (--port)");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "so-sim-shutdown"));
        System.out.println("SuperOffice CustomerService simulator listening on " + simulator.customerServiceUrl()
                + " (" + sessions.size() + " session(s), " + users.size() + " user(s), application token "
                + (token == null ? "not checked" : "checked") + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            simulator.close();
        }
        return 0;
    }

    /** NAME=VALUE pairs (split at the last '='), as given. */
    private static Map<String, String> pairs(List<String> given, String option, String form) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : given) {
            int separator = pair.lastIndexOf('=');
            if (separator <= 0 || separator == pair.length() - 1) {
                throw new CommandOptions.WrongArguments(option + " expects " + form);
            }
            pairs.put(pair.substring(0, separator), pair.substring(separator + 1));
        }
        return pairs;
    }

    private static int loginId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new CommandOptions.WrongArguments("--session expects KEY=LOGINID with a number, not " + text);
        }
    }

    private static int usage(String problem) {
        System.err.println("simulator: " + problem);
        System.err.println(USAGE);
        return 2;
    }
}
