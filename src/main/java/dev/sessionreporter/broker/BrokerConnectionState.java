package dev.sessionreporter.broker;

import java.time.Instant;
import java.util.Optional;

/** Whether the shared broker connection is down: from the lost connection (or failed first connect) until one succeeds. */
public interface BrokerConnectionState {
    /** Since when the broker cannot be reached; empty while connected (or before the first connect). */
    Optional<Instant> outageSince();
}
