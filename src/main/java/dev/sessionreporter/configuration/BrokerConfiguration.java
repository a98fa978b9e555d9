package dev.sessionreporter.configuration;

import dev.sessionreporter.Settings;
import dev.sessionreporter.StartupConfigurationException;
import dev.sessionreporter.broker.BrokerConnectionFactory;
import dev.sessionreporter.broker.BrokerConnectionState;
import dev.sessionreporter.broker.DetachedQueueMessage;
import dev.sessionreporter.broker.EmbeddedBroker;
import dev.sessionreporter.broker.OpaqueBodyMessageConverter;
import dev.sessionreporter.operate.BrokerConnectionCheck;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message broker (broker.*): the {@code session-reporter-jms} component on one pooled connection factory, to
 * broker.url or to the embedded Artemis broker this part starts when broker.url is blank, the readiness check of that
 * connection, and the order in which both are closed on shutdown.
 */
public class BrokerConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfiguration.class);

    @PropertyInject("broker.url")
    String url;
    @PropertyInject("broker.username")
    String username;
    @PropertyInject("broker.password")
    String password;
    @PropertyInject("broker.ha")
    boolean ha;
    private long reconnectIntervalMillis;
    private int reconnectAttempts;
    private int consumerWindowSize;
    @PropertyInject("broker.embedded.enabled")
    boolean embeddedEnabled;
    @PropertyInject("broker.embedded.host")
    String embeddedHost;
    @PropertyInject("broker.embedded.port")
    int embeddedPort;
    @PropertyInject("broker.embedded.data-dir")
    String embeddedDataDir;
    @PropertyInject("broker.embedded.max-delivery-attempts")
    int embeddedMaxDeliveryAttempts;
    @PropertyInject("broker.embedded.journal-buffer-timeout-micros")
    int embeddedJournalBufferTimeoutMicros;

    private EmbeddedBroker embeddedBroker;
    private JmsPoolConnectionFactory connectionFactory;

    @PropertyInject("broker.reconnect-interval")
    public void reconnectInterval(String text) {
        reconnectIntervalMillis = Settings.millis("broker.reconnect-interval", text);
    }

    @PropertyInject("broker.reconnect-attempts")
    public void reconnectAttempts(int attempts) {
        if (attempts < -1) {
            throw new StartupConfigurationException("Property broker.reconnect-attempts (environment variable "
                    + "BROKER_RECONNECT_ATTEMPTS) must be 0 (the consumers reconnect every broker.reconnect-interval), "
                    + "more, or -1 (without end); it is " + attempts);
        }
        reconnectAttempts = attempts;
    }

    @PropertyInject("broker.consumer-window-size")
    public void consumerWindowSize(int bytes) {
        if (bytes < -1) {
            throw new StartupConfigurationException("Property broker.consumer-window-size must be a number of bytes: 0 "
                    + "(no buffer), more (e.g. 8192) or -1 (unbounded); it is " + bytes);
        }
        consumerWindowSize = bytes;
    }

    /**
     * camel-jms on the shared pooled connection factory: the embedded broker's in-VM acceptor, or broker.url. Object
     * and stream messages are passed on unread (never deserialised), see {@link OpaqueBodyMessageConverter}. When the
     * broker goes away, the queue consumers try a new connection every broker.reconnect-interval until it is back.
     */
    @BindToRegistry("session-reporter-jms")
    public JmsComponent jms() {
        if (url.isBlank() && !embeddedEnabled) {
            Settings.require("broker.url", url);
        }
        if (ha && url.isBlank()) {
            throw new StartupConfigurationException("Property broker.ha=true (environment variable BROKER_HA) needs "
                    + "broker.url naming the broker pair, e.g. (tcp://primary:61616,tcp://backup:61616); the embedded "
                    + "broker has no backup");
        }
        if (url.isBlank()) {
            embeddedBroker = new EmbeddedBroker(embeddedHost, embeddedPort, Path.of(embeddedDataDir),
                    embeddedMaxDeliveryAttempts, embeddedJournalBufferTimeoutMicros, username, password);
        }
        connectionFactory = BrokerConnectionFactory.create(url.isBlank() ? embeddedBroker.inVmUrl() : url, username,
                password, consumerWindowSize, ha, reconnectAttempts);
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        jms.getConfiguration().setMessageConverter(new OpaqueBodyMessageConverter());
        jms.setRecoveryInterval(reconnectIntervalMillis);
        return jms;
    }

    /** Readiness: DOWN while the broker connection is lost. */
    @BindToRegistry("sessionReporterBrokerConnectionCheck")
    public BrokerConnectionCheck brokerConnectionCheck() {
        // the connection factory exists once the jms component has been bound
        return new BrokerConnectionCheck(() -> connectionFactory instanceof BrokerConnectionState state
                ? state.outageSince() : Optional.empty());
    }

    @BindToRegistry("sessionReporterDetachedQueueMessage")
    public DetachedQueueMessage detachedQueueMessage() {
        return new DetachedQueueMessage();
    }

    /** The embedded broker, when this instance runs one (an external broker is watched where it runs). */
    Optional<EmbeddedBroker> embeddedBroker() {
        return Optional.ofNullable(embeddedBroker);
    }

    /** Called last: every other part has been checked, so a refused start leaves no broker running. */
    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (embeddedBroker != null) {
            // It starts now in the background; Camel waits for it before the routes and stops it after them.
            embeddedBroker.startInBackground();
            camelContext.addService(embeddedBroker, true, true);
        } else {
            LOG.info("Using the external broker at broker.url (no embedded broker started)");
        }
        if (connectionFactory != null) {
            // Close the broker connection on shutdown, after the routes and (services stop in reverse order) before
            // the embedded broker: a clean close, not a connection the stopping broker breaks.
            JmsPoolConnectionFactory pool = connectionFactory;
            camelContext.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    pool.stop();
                }
            }, true, false);
        }
    }
}
