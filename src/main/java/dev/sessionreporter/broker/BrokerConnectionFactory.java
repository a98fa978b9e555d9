package dev.sessionreporter.broker;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/** Builds the one JMS connection factory the whole application shares (consumers and dead-letter producers). */
public final class BrokerConnectionFactory {
    private BrokerConnectionFactory() {
    }

    public static JmsPoolConnectionFactory create(String url, String username, String password) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url);
        if (username != null && !username.isBlank()) {
            artemis.setUser(username);
            artemis.setPassword(password);
        }
        if (!url.contains("consumerWindowSize")) {
            // Transacted consumers must not hoard messages in client buffers: another consumer may be idle.
            artemis.setConsumerWindowSize(0);
        }
        // Session keys are text. The reporter never deserialises an ObjectMessage (OpaqueBodyMessageConverter passes it
        // on unread); should anything still try, nothing but String may be deserialised.
        artemis.setDeserializationAllowList("java.lang.String");
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory((ConnectionFactory) artemis);
        pool.setMaxConnections(1);
        return pool;
    }
}
