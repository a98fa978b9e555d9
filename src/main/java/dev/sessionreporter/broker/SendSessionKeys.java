package dev.sessionreporter.broker;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A small command for operators and scripts: puts session keys on the reporter's input queue from another process,
 * as persistent text messages.
 * <pre>java -jar target/session-reporter.jar send [--broker tcp://127.0.0.1:61616] [--queue superoffice.session-active] KEY...</pre>
 * (or {@code java -cp target/session-reporter.jar dev.sessionreporter.broker.SendSessionKeys ...}).
 * Keys given as "-" are read from standard input, one per line.
 */
public final class SendSessionKeys {
    public static final String DEFAULT_BROKER = "tcp://127.0.0.1:61616";
    public static final String DEFAULT_QUEUE = "superoffice.session-active";
    public static final String USAGE = """
            usage: send [--broker URL] [--queue NAME] [--] KEY... | -
              Puts each KEY on the queue as a persistent text message; - reads the keys from standard input, one a line.
              --broker URL   the broker, Artemis core protocol (default %s)
              --queue NAME   the reporter's input queue (default %s)
              --             the arguments that follow are keys, even if they start with -
              --help         this text
              exit codes: 0 sent, 1 the broker cannot be reached, 2 wrong arguments (nothing sent)"""
            .formatted(DEFAULT_BROKER, DEFAULT_QUEUE);

    private SendSessionKeys() {
    }

    public static void main(String[] args) {
        // Artemis client threads are not daemons: leave through System.exit.
        System.exit(run(args));
    }

    /** Runs the command; returns the exit code (0 sent, 1 broker failure, 2 wrong arguments). */
    public static int run(String[] args) {
        String broker = DEFAULT_BROKER;
        String queue = DEFAULT_QUEUE;
        List<String> keys = new java.util.ArrayList<>();
        boolean onlyKeys = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (onlyKeys || !arg.startsWith("-")) {
                keys.add(arg);
                continue;
            }
            switch (arg) {
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return 0;
                }
                case "--" -> onlyKeys = true;
                case "-" -> new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                        .lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(keys::add);
                case "--broker", "--queue" -> {
                    if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                        return usage(arg + " needs a value");
                    }
                    if (arg.equals("--broker")) {
                        broker = args[++i];
                    } else {
                        queue = args[++i];
                    }
                }
                default -> {
                    return usage("unknown option " + arg + " (a key that starts with - goes after --)");
                }
            }
        }
        if (keys.isEmpty()) {
            return usage("no session key given");
        }
        try {
            send(broker, queue, keys);
        } catch (JMSException e) {
            System.err.println("Sending failed: " + e.getMessage() + " (broker " + broker + ")");
            return 1;
        }
        System.out.println("Sent " + keys.size() + " session key(s) to " + queue + " at " + broker);
        return 0;
    }

    private static int usage(String problem) {
        System.err.println("send: " + problem);
        System.err.println(USAGE);
        return 2;
    }

    /** Sends each key as one persistent text message. */
    public static void send(String brokerUrl, String queue, List<String> keys) throws JMSException {
        try (ActiveMQConnectionFactory factory = BrokerCredentials.fromEnvironment().connectionFactory(brokerUrl);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (String key : keys) {
                producer.send(session.createTextMessage(key));
            }
        }
    }

}
