package dev.sessionreporter.template;

import org.apache.camel.support.RoutePolicySupport;

/** The timer template's route policy when the host gives no leader policy: the timer runs on every instance. */
public class EveryInstance extends RoutePolicySupport {
}
