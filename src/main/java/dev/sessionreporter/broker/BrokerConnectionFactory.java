package dev.sessionreporter.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.messaginghub.pooled.jms.pool.PooledConnection;
import org.messaginghub.pooled.jms.pool.PooledConnectionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one JMS connection factory the whole application shares (consumers and dead-letter producers).
 *
 * <p>When the broker goes away, nothing waits for it: the broken connection fails at once (the Artemis client does
 * not reconnect by itself), pooled-jms drops it from the pool, the queue consumers (camel-jms / Spring's listener
 * container) open a new one every {@code broker.reconnect-interval} until the broker is back, and a dead-letter send
 * in between fails fast (a queue message rolls back, a timer key waits for the next tick). The Artemis client's own
 * reconnect ({@code reconnectAttempts}) is deliberately not used: it holds every caller — the timer's dead-letter
 * sends too — until the broker returns, and pooled-jms closes the reconnected connection anyway.
 *
 * <p>Against a primary/backup pair ({@code ha}) the client follows the pair's topology, and with
 * {@code reconnectAttempts} it fails over to the backup by itself: the connection and its sessions survive (a
 * transaction open at that moment is rolled back, so its messages are delivered again), and the pool keeps it.
 *
 * <p>The outage is logged once: one WARN on {@code dev.sessionreporter.broker} when the connection is lost (or the
 * first connect fails), one INFO when a connection succeeds again; failed attempts in between are DEBUG.
 */
public final class BrokerConnectionFactory {
    /** Artemis waits this long between connectors of the broker's topology within one connect; default 2 s. */
    static final long RETRY_INTERVAL_MILLIS = 500;

    private BrokerConnectionFactory() {
    }

    /**
     * @param consumerWindowSize bytes of messages the broker sends each consumer ahead of its receive calls (Artemis
     *        {@code consumerWindowSize}; 0: none, every receive asks the broker); a value in the URL wins
     * @param ha follow the broker's topology (Artemis {@code ha}): connect and fail over to the backup of a pair
     * @param reconnectAttempts how often the client retries a lost connection by itself, on the backup when {@code ha}
     *        (Artemis {@code reconnectAttempts}; 0: never, -1: without end); a value in the URL wins
     */
    public static JmsPoolConnectionFactory create(String url, String username, String password, int consumerWindowSize,
            boolean ha, int reconnectAttempts) {
        // ha is fixed when the client's server locator is made, so it can only be given in the URL
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(ha && !urlSets(url, "ha")
                ? url + (url.contains("?") ? "&" : "?") + "ha=true" : url);
        if (!urlSets(url, "reconnectAttempts")) {
            artemis.setReconnectAttempts(reconnectAttempts);
        }
        if (username != null && !username.isBlank()) {
            artemis.setUser(username);
            artemis.setPassword(password);
        }
        if (!urlSets(url, "consumerWindowSize")) {
            // A small window: the next message is already on its way while one is reported (with 0 every receive is a
            // round trip to the broker), yet a consumer holds only a few
            // messages that another consumer or instance could have taken. Buffered messages that were not received
            // go back on a rollback or close without counting as a delivery attempt.
            artemis.setConsumerWindowSize(consumerWindowSize);
        }
        if (!urlSets(url, "retryInterval")) {
            // A connect while the broker is down must fail fast: it blocks the pool (and the timer's dead-letter
            // send) while it tries. The listener container paces the reconnects (broker.reconnect-interval).
            artemis.setRetryInterval(RETRY_INTERVAL_MILLIS);
        }
        // Session keys are text. The reporter never deserialises an ObjectMessage (OpaqueBodyMessageConverter passes it
        // on unread); should anything still try, nothing but String may be deserialised.
        artemis.setDeserializationAllowList("java.lang.String");
        JmsPoolConnectionFactory pool = new OutageLoggingPool();
        pool.setConnectionFactory((ConnectionFactory) artemis);
        pool.setMaxConnections(1);
        return pool;
    }

    /** True when the URL's query sets this Artemis parameter (then the URL's value wins). */
    static boolean urlSets(String url, String parameter) {
        return Pattern.compile("[?&;]" + Pattern.quote(parameter) + "=").matcher(url).find();
    }

    /**
     * pooled-jms closes a connection on its first exception and opens a new one on the next use; this subclass logs
     * that as one outage: a WARN when the connection is lost or cannot be made, an INFO when it is made again.
     */
    static final class OutageLoggingPool extends JmsPoolConnectionFactory implements BrokerConnectionState {
        private static final Logger LOG = LoggerFactory.getLogger("dev.sessionreporter.broker");
        /** The error code of the Artemis client's exception once it has failed over (reconnected) by itself. */
        private static final String FAILED_OVER = "FAILOVER";

        private Instant outageSince;
        private int failedAttempts;

        @Override
        protected Connection createProviderConnection(PooledConnectionKey key) throws JMSException {
            try {
                Connection connection = super.createProviderConnection(key);
                connected();
                return connection;
            } catch (JMSException | RuntimeException e) {
                connectFailed(e);
                throw e;
            }
        }

        @Override
        protected PooledConnection createPooledConnection(Connection connection) {
            return new PooledConnection(connection) {
                @Override
                public void onException(JMSException exception) {
                    if (FAILED_OVER.equals(exception.getErrorCode())) {
                        // the client reconnected (to the backup) by itself: the connection and its sessions still work
                        failedOver(exception);
                        return;
                    }
                    connectionLost(exception);
                    super.onException(exception);
                }
            };
        }

        synchronized void connectionLost(JMSException exception) {
            if (outageSince == null && !stopped.get()) {
                outageSince = Instant.now();
                LOG.warn("Lost the connection to the broker ({}). Queue consumers reconnect by themselves once it is back; "
                        + "until then keys cannot be dead-lettered (queue messages stay on the broker, timer keys are "
                        + "reported again on the next tick).", describe(exception));
            }
        }

        synchronized void failedOver(JMSException exception) {
            LOG.warn("The broker connection failed over ({}); transactions open at that moment are rolled back and their "
                    + "messages delivered again.", describe(exception));
        }

        synchronized void connectFailed(Exception exception) {
            failedAttempts++;
            if (outageSince == null) {
                outageSince = Instant.now();
                LOG.warn("Cannot connect to the broker ({}). Queue consumers keep trying; until it is reachable keys cannot "
                        + "be dead-lettered.", describe(exception));
            } else {
                LOG.debug("Still cannot connect to the broker ({} failed attempts): {}", failedAttempts, describe(exception));
            }
        }

        @Override
        public synchronized Optional<Instant> outageSince() {
            return Optional.ofNullable(outageSince);
        }

        synchronized void connected() {
            if (outageSince != null) {
                LOG.info("Connected to the broker again after {} s ({} failed connection attempts)",
                        Duration.between(outageSince, Instant.now()).toSeconds(), failedAttempts);
                outageSince = null;
            }
            failedAttempts = 0;
        }

        private static String describe(Exception exception) {
            Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
    }
}
