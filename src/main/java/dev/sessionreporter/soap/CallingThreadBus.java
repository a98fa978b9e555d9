package dev.sessionreporter.soap;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;

/**
 * Makes the reporter's own CXF bus the default bus of the thread that is about to call SuperOffice, and leaves it
 * there. CXF's client sets the calling thread's default bus to its own for each call and puts the thread's previous
 * one back afterwards; when there was none, putting "none" back discards the thread's entry, and the next call
 * registers the thread again in BusFactory's one JVM-wide synchronized map (two lock round trips per call). With a
 * hundred report threads that lock was the most contended monitor of a timer tick. A thread whose default already is
 * the client's bus costs CXF a thread-local read.
 * <p>
 * Only for the standalone reporter's own threads (its call route: timer report threads, queue consumers, redelivery):
 * they end with its CamelContext. The Kamelet never does this to a host application's threads, and CXF's JVM-wide
 * default bus stays untouched.
 */
public final class CallingThreadBus {
    private final Bus bus;

    public CallingThreadBus(CustomerServiceBus bus) {
        this.bus = bus.bus();
    }

    public void adopt() {
        if (BusFactory.getThreadDefaultBus(false) != bus) {
            BusFactory.setThreadDefaultBus(bus);
        }
    }
}
