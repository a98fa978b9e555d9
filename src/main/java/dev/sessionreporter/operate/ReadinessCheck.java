package dev.sessionreporter.operate;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A health check of the reporter's group that counts for readiness only: what it watches (SuperOffice, credentials,
 * the broker, the timer leadership) does not come back by restarting the reporter.
 */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super("session-reporter", id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
