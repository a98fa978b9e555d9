package dev.sessionreporter.support;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Another process's view of the broker: a plain JMS client over TCP on loopback, as an operator's producer or a
 * dead-letter reader would connect.
 */
public final class QueueClient implements AutoCloseable {
    public static final String INPUT_QUEUE = "superoffice.session-active";
    public static final String DEAD_LETTER_QUEUE = "superoffice.session-active.DLQ";

    private final ActiveMQConnectionFactory factory;
    private final Connection connection;

    public QueueClient(int brokerPort) {
        try {
            factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
            factory.setDeserializationAllowList("java.lang,java.util");
            connection = factory.createConnection();
            connection.start();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sendText(String text) {
        return send(INPUT_QUEUE, session -> session.createTextMessage(text));
    }

    public String sendBytes(byte[] bytes) {
        return send(INPUT_QUEUE, session -> {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(bytes);
            return message;
        });
    }

    /** Sends one persistent message and returns its JMS message id. */
    public String send(String queue, JmsFunction<Session, Message> messageFactory) {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            Message message = messageFactory.apply(session);
            producer.send(message);
            return message.getJMSMessageID();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes the next message off the queue, or null after the timeout. */
    public Message receive(String queue, long timeoutMillis) {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = consumer.receive(timeoutMillis);
            if (message instanceof BytesMessage bytes) {
                // Artemis streams a large (over 100 KiB) bytes body on first read: read it while the session is open.
                bytes.readBytes(new byte[0]);
                bytes.reset();
            }
            return message;
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The messages on the queue now, without taking them. */
    public List<Message> browse(String queue) {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            Queue destination = session.createQueue(queue);
            try (QueueBrowser browser = session.createBrowser(destination)) {
                List<Message> messages = new ArrayList<>();
                for (Object message : Collections.list(browser.getEnumeration())) {
                    messages.add((Message) message);
                }
                return messages;
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes every message from the queue. */
    public int drain(String queue) {
        int drained = 0;
        while (receive(queue, 100) != null) {
            drained++;
        }
        return drained;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (JMSException e) {
            // closing anyway
        }
        factory.close();
    }

    @FunctionalInterface
    public interface JmsFunction<T, R> {
        R apply(T value) throws JMSException;
    }

    public static <T> Function<Message, T> property(String name, Class<T> type) {
        return message -> {
            try {
                return type.cast(message.getObjectProperty(name));
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
