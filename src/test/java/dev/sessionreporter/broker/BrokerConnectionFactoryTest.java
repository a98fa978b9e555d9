package dev.sessionreporter.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/** broker.ha and broker.reconnect-attempts as the Artemis client gets them (nothing connects here). */
class BrokerConnectionFactoryTest {
    private static final String PAIR = "(tcp://127.0.0.1:61616,tcp://127.0.0.1:61617)";

    @Test
    void singleBrokerByDefault() {
        ActiveMQConnectionFactory artemis = artemis("tcp://127.0.0.1:61616", false, 0);

        assertThat(artemis.isHA()).isFalse();
        assertThat(artemis.getServerLocator().getReconnectAttempts()).isZero();
    }

    @Test
    void haFollowsThePairAndKeepsTheUrlsOwnParameters() {
        ActiveMQConnectionFactory artemis = artemis(PAIR + "?consumerWindowSize=0", true, 60);

        assertThat(artemis.isHA()).isTrue();
        assertThat(artemis.getServerLocator().getStaticTransportConfigurations()).hasSize(2);
        assertThat(artemis.getServerLocator().getConsumerWindowSize()).isZero();
        assertThat(artemis.getServerLocator().getReconnectAttempts()).isEqualTo(60);
    }

    @Test
    void theUrlsReconnectAttemptsWin() {
        ActiveMQConnectionFactory artemis = artemis(PAIR + "?ha=true&reconnectAttempts=5", true, 60);

        assertThat(artemis.isHA()).isTrue();
        assertThat(artemis.getServerLocator().getReconnectAttempts()).isEqualTo(5);
    }

    private static ActiveMQConnectionFactory artemis(String url, boolean ha, int reconnectAttempts) {
        JmsPoolConnectionFactory pool = BrokerConnectionFactory.create(url, "", "", 8192, ha, reconnectAttempts);
        try {
            return (ActiveMQConnectionFactory) pool.getConnectionFactory();
        } finally {
            pool.stop();
        }
    }
}
