package dev.sessionreporter.broker;

import dev.sessionreporter.command.CommandOptions;
import dev.sessionreporter.failure.FailureReason;
import dev.sessionreporter.failure.ReporterHeaders;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A command for operators: moves dead-lettered messages back onto the input queue once the cause is fixed, so the
 * reporter reports them again.
 * <pre>java -jar target/session-reporter.jar redrive [--reason REASON] [--broker tcp://127.0.0.1:61616] [--max N]
 *     [--from superoffice.session-active.DLQ] [--to superoffice.session-active]</pre>
 * Only messages whose {@value ReporterHeaders#FAILURE_REASON} is {@code REASON} are taken (a JMS selector), all when no
 * reason is given. Each message is sent as it was received — same type and body, a text message stays text, bytes stay
 * bytes, an object message is not deserialised — with its own properties but without the reporter's
 * {@code SessionReporter*} failure headers, and the move is one local transaction per message: a message is never lost
 * nor on both queues.
 */
public final class RedriveDeadLetters {
    public static final String DEFAULT_DEAD_LETTER_QUEUE = "superoffice.session-active.DLQ";
    public static final String USAGE = """
            usage: redrive [--reason REASON] [--broker URL] [--max N] [--from QUEUE] [--to QUEUE]
              Moves dead-lettered messages back onto the input queue, one transaction each.
              --reason REASON  only messages dead-lettered for this reason, one of
                               %s (default: all)
              --broker URL     the broker, Artemis core protocol (default %s)
              --max N          move at most N messages (default: all that match)
              --from QUEUE     the dead-letter queue (default %s)
              --to QUEUE       the input queue (default %s)
              --help           this text
              exit codes: 0 done, 1 the broker cannot be reached, 2 wrong arguments (nothing moved)"""
            .formatted(String.join(", ", DeadLetterOptions.reasonNames()), SendSessionKeys.DEFAULT_BROKER, DEFAULT_DEAD_LETTER_QUEUE,
                    SendSessionKeys.DEFAULT_QUEUE);
    private static final List<String> OPTIONS = List.of("--from", "--to");
    /** Properties the redriven message does not carry: the reporter's failure headers, JMS-defined and Artemis ones. */
    private static final List<String> DROPPED_PROPERTY_PREFIXES = List.of("SessionReporter", "JMSX", "JMS_", "_AMQ", "__AMQ");

    private RedriveDeadLetters() {
    }

    public static void main(String[] args) {
        // Artemis client threads are not daemons: leave through System.exit.
        System.exit(run(args));
    }

    /** Runs the command; returns the exit code (0 done, 1 broker failure, 2 wrong arguments). */
    public static int run(String[] args) {
        DeadLetterOptions options;
        try {
            options = DeadLetterOptions.parse(args, OPTIONS);
        } catch (CommandOptions.WrongArguments e) {
            return usage(e.getMessage());
        }
        if (options.help()) {
            System.out.println(USAGE);
            return 0;
        }
        String from = options.options().value("--from").orElse(DEFAULT_DEAD_LETTER_QUEUE);
        String to = options.options().value("--to").orElse(SendSessionKeys.DEFAULT_QUEUE);
        try {
            int moved = redrive(options.broker(), from, to, options.reason(), options.max());
            System.out.println("Moved " + moved + " dead-lettered message(s)" + options.withReason() + " from " + from
                    + " to " + to + " at " + options.broker());
            return 0;
        } catch (JMSException e) {
            System.err.println("Redrive failed: " + e.getMessage() + " (broker " + options.broker() + ")");
            return 1;
        }
    }

    /**
     * Moves up to {@code max} messages (0: all) with {@code reason} (null: any) from {@code from} to {@code to},
     * committing each move on its own. Returns how many were moved.
     */
    public static int redrive(String brokerUrl, String from, String to, FailureReason reason, int max)
            throws JMSException {
        String selector = DeadLetterOptions.selector(reason);
        try (ActiveMQConnectionFactory factory = BrokerCredentials.fromEnvironment().connectionFactory(brokerUrl);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(from), selector);
                MessageProducer producer = session.createProducer(session.createQueue(to))) {
            connection.start();
            int moved = 0;
            while (max == 0 || moved < max) {
                // Artemis asks the broker for a message now and answers null only when none matches
                Message message = consumer.receiveNoWait();
                if (message == null) {
                    break;
                }
                withoutFailureHeaders(message);
                producer.send(message, message.getJMSDeliveryMode(), message.getJMSPriority(), Message.DEFAULT_TIME_TO_LIVE);
                session.commit();
                moved++;
            }
            return moved;
        }
    }

    /**
     * Keeps the received message — type and body exactly as they are — and replaces its properties by the same
     * properties without the failure headers (a received message's properties are read-only until cleared).
     */
    private static void withoutFailureHeaders(Message message) throws JMSException {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            String property = (String) name;
            if (DROPPED_PROPERTY_PREFIXES.stream().noneMatch(property::startsWith)) {
                kept.put(property, message.getObjectProperty(property));
            }
        }
        message.clearProperties();
        for (Map.Entry<String, Object> property : kept.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
    }

    private static int usage(String problem) {
        System.err.println("redrive: " + problem);
        System.err.println(USAGE);
        return 2;
    }
}
