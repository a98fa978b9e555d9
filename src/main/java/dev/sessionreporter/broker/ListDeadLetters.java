package dev.sessionreporter.broker;

import dev.sessionreporter.command.CommandOptions;
import dev.sessionreporter.failure.ReporterHeaders;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Enumeration;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A command for operators: shows what is on the dead-letter queue, one line a message (when, reason, masked key,
 * attempts, route, detail), without taking anything off it. It prints the dead-letter headers only, never a body: a
 * body holds the full session key.
 */
public final class ListDeadLetters {
    public static final String USAGE = """
            usage: dead-letters [--reason REASON] [--broker URL] [--max N] [--queue QUEUE]
              Lists dead-lettered messages, oldest first, one line each; the queue is left as it is.
              --reason REASON  only messages dead-lettered for this reason (default: all)
              --broker URL     the broker, Artemis core protocol (default %s)
              --max N          list at most N messages (default: all that match)
              --queue QUEUE    the dead-letter queue (default %s)
              --help           this text
              exit codes: 0 listed, 1 the broker cannot be reached, 2 wrong arguments"""
            .formatted(SendSessionKeys.DEFAULT_BROKER, RedriveDeadLetters.DEFAULT_DEAD_LETTER_QUEUE);
    private static final List<String> OPTIONS = List.of("--queue");

    private ListDeadLetters() {
    }

    /** Runs the command; returns the exit code (0 listed, 1 broker failure, 2 wrong arguments). */
    public static int run(String[] args) {
        DeadLetterOptions options;
        try {
            options = DeadLetterOptions.parse(args, OPTIONS);
        } catch (CommandOptions.WrongArguments e) {
            System.err.println("dead-letters: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return 0;
        }
        String queue = options.options().value("--queue").orElse(RedriveDeadLetters.DEFAULT_DEAD_LETTER_QUEUE);
        try {
            int listed = list(options, queue, System.out);
            System.out.println(listed + " dead-lettered message(s)" + options.withReason() + " on " + queue + " at "
                    + options.broker());
            return 0;
        } catch (JMSException e) {
            System.err.println("Listing dead letters failed: " + e.getMessage() + " (broker " + options.broker() + ")");
            return 1;
        }
    }

    /** Prints the messages of {@code queue} that {@code options} select; returns how many. */
    private static int list(DeadLetterOptions options, String queue, PrintStream out) throws JMSException {
        int max = options.max();
        try (ActiveMQConnectionFactory factory = BrokerCredentials.fromEnvironment().connectionFactory(options.broker());
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queue),
                        options.selector())) {
            connection.start();
            int listed = 0;
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements() && (max == 0 || listed < max)) {
                out.println(line((Message) messages.nextElement()));
                listed++;
            }
            return listed;
        }
    }

    /** The dead-letter headers of one message (already masked and redacted by the reporter). */
    private static String line(Message message) throws JMSException {
        return Instant.ofEpochMilli(message.getJMSTimestamp()) + "  "
                + header(message, ReporterHeaders.FAILURE_REASON) + "  session "
                + header(message, ReporterHeaders.MASKED_SESSION_KEY) + "  attempts="
                + header(message, ReporterHeaders.ATTEMPTS) + "  route=" + header(message, ReporterHeaders.ROUTE_ID)
                + "  " + header(message, ReporterHeaders.FAILURE_DETAIL);
    }

    private static String header(Message message, String name) throws JMSException {
        Object value = message.getObjectProperty(name);
        return value == null ? "-" : value.toString();
    }
}
