package dev.sessionreporter.jar;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Another process's view of the jar's embedded broker: an Artemis JMS client over its TCP acceptor on loopback, one
 * connection per call, so that it survives the broker going away (a killed or stopped jar) between calls.
 */
public final class TcpQueues {
    public static final String INPUT_QUEUE = "superoffice.session-active";
    public static final String DEAD_LETTER_QUEUE = "superoffice.session-active.DLQ";
    /** Where the embedded broker parks a message it could redeliver no more. */
    public static final String BROKER_DEAD_LETTER_QUEUE = "DLQ";

    private final String url;

    public TcpQueues(int brokerPort) {
        this.url = "tcp://127.0.0.1:" + brokerPort;
    }

    /** Sends each text as one persistent message (a synchronous send: on the journal when this returns). */
    public void sendTexts(String queue, Collection<String> texts) throws JMSException {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (String text : texts) {
                producer.send(session.createTextMessage(text));
            }
        }
    }

    /** The bodies of the messages on the queue now, without taking them. */
    public List<String> browseTexts(String queue) throws JMSException {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            Queue destination = session.createQueue(queue);
            List<String> texts = new ArrayList<>();
            try (QueueBrowser browser = session.createBrowser(destination)) {
                for (Object message : Collections.list(browser.getEnumeration())) {
                    texts.add(textOf((Message) message));
                }
            }
            return texts;
        }
    }

    /** Takes every message now on the queue and returns the bodies. */
    public List<String> drainTexts(String queue) throws JMSException {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            connection.start();
            List<String> texts = new ArrayList<>();
            Message message;
            while ((message = consumer.receive(200)) != null) {
                texts.add(textOf(message));
            }
            return texts;
        }
    }

    private static String textOf(Message message) throws JMSException {
        return message instanceof TextMessage text ? text.getText() : String.valueOf(message);
    }
}
