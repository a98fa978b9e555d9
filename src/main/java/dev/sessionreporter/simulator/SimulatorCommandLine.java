package dev.sessionreporter.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The simulator as a process of its own: {@link CustomerServiceSimulator#main}. */
final class SimulatorCommandLine {

    private SimulatorCommandLine() {
    }

    /** See {@link CustomerServiceSimulator#main}. */
    static void run(String[] args) {
        int port = 8089;
        String token = System.getenv("SIMULATOR_APPLICATION_TOKEN");
        String ticketValue = System.getenv("SIMULATOR_TICKET");
        Map<String, Integer> initialSessions = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                if (arg.equals("--help") || arg.equals("-h")) {
                    usage(null);
                    return;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value for " + arg);
                    }
                    value = args[++i];
                }
                switch (arg) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--application-token" -> token = value;
                    case "--ticket" -> ticketValue = value;
                    case "--session" -> {
                        int sep = value.lastIndexOf('=');
                        if (sep <= 0) {
                            throw new IllegalArgumentException("--session expects KEY=LOGINID");
                        }
                        initialSessions.put(value.substring(0, sep), Integer.parseInt(value.substring(sep + 1)));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (ticketValue == null || ticketValue.isEmpty()) {
                throw new IllegalArgumentException("--ticket is required");
            }
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            System.exit(2);
            return;
        }
        CustomerServiceSimulator simulator = new CustomerServiceSimulator(token, ticketValue);
        initialSessions.forEach(simulator::addSession);
        simulator.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "so-sim-shutdown"));
        System.out.println("SuperOffice CustomerService simulator listening on " + simulator.customerServiceUrl()
                + " (" + initialSessions.size() + " session(s), application token "
                + (token == null ? "not checked" : "checked") + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            simulator.close();
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("error: " + error);
        }
        System.err.println("usage: CustomerServiceSimulator [--port N] [--application-token T] --ticket T"
                + " [--session KEY=LOGINID]...");
        System.err.println("  token and ticket may also be set via SIMULATOR_APPLICATION_TOKEN / SIMULATOR_TICKET");
    }
}
