package dev.sessionreporter.operate;

import dev.sessionreporter.broker.BrokerConnectionState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: DOWN from the moment the broker connection is lost (or cannot be made) until the queue consumers have
 * connected again. Not a liveness check: the consumers reconnect by themselves, a restart would not bring the broker
 * back.
 */
public class BrokerConnectionCheck extends ReadinessCheck {
    private final BrokerConnectionState broker;

    public BrokerConnectionCheck(BrokerConnectionState broker) {
        super("broker-connection");
        this.broker = broker;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<Instant> outage = broker.outageSince();
        if (outage.isPresent()) {
            builder.detail("outage.since", outage.get().toString());
            builder.message("No connection to the broker: queue messages wait on the broker, keys cannot be dead-lettered")
                    .down();
        } else {
            builder.up();
        }
    }
}
