package dev.sessionreporter.template;

import org.apache.camel.Exchange;

/** The timer template's tick meter when the host gives none: a tick is not measured. */
public class UnmeasuredTicks {
    public void started(Exchange tick) {
        // nothing to measure
    }
}
