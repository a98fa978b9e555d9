package dev.sessionreporter.broker;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin;

/**
 * Hands the reporter's meter registry to the embedded broker, so that Artemis publishes its own queue metrics
 * (artemis_message_count, artemis_consumer_count, ... per address and queue) next to the reporter's on /observe/metrics.
 */
final class BrokerMetricsPlugin implements ActiveMQMetricsPlugin {
    private static final long serialVersionUID = 1L;
    // Artemis never serialises the plugin of an embedded configuration; the registry is not Serializable.
    private final transient MeterRegistry registry;

    BrokerMetricsPlugin(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ActiveMQMetricsPlugin init(Map<String, String> options) {
        return this;
    }

    @Override
    public MeterRegistry getRegistry() {
        return registry;
    }
}
