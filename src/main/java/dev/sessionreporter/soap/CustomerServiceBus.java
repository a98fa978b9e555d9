package dev.sessionreporter.soap;

import org.apache.camel.support.service.ServiceSupport;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.bus.CXFBusFactory;
import org.apache.cxf.ws.policy.PolicyEngine;

/**
 * The reporter's own CXF bus, used by its CustomerService endpoint and its SoPrincipal login only, and shut down with the CamelContext (added to
 * it as a service). Whatever the reporter configures on it, such as switching WS-Policy off, stays off CXF's default
 * bus, which every other CXF client in the JVM (Karaf, a host application) uses.
 */
public final class CustomerServiceBus extends ServiceSupport {
    private final Bus bus;

    public CustomerServiceBus() {
        bus = createAside();
        // Our WSDL attaches no WS-Policy, so CXF's policy engine (on whenever cxf-rt-ws-policy is on the class path)
        // would only search for policies on every message: switched off.
        PolicyEngine policyEngine = bus.getExtension(PolicyEngine.class);
        if (policyEngine != null) {
            policyEngine.setEnabled(false);
        }
    }

    /**
     * A bus that nobody else ever gets as CXF's default bus. Every CXF bus offers itself as the JVM's default and the
     * creating thread's when there is none yet (BusFactory.possiblySetDefaultBus, called by ExtensionManagerBus's
     * constructor: CXF 4.1 has no way to create a bus without it). So ours is made holding BusFactory's own lock, which
     * every read and write of the default bus (and a thread's first default) takes, and both are back as they were
     * before the lock is released: no other thread can see ours as the default, keep it as its thread's, or set its own
     * meanwhile.
     */
    private static Bus createAside() {
        synchronized (BusFactory.class) {
            Bus threadBus = BusFactory.getThreadDefaultBus(false);
            Bus created = new CXFBusFactory().createBus();
            if (BusFactory.getDefaultBus(false) == created) {
                BusFactory.setDefaultBus(null);
            }
            BusFactory.setThreadDefaultBus(threadBus);
            return created;
        }
    }

    /** A new bus, added to {@code camelContext} as a service so that it is shut down with it. */
    public static CustomerServiceBus startedWith(org.apache.camel.CamelContext camelContext) {
        CustomerServiceBus bus = new CustomerServiceBus();
        try {
            camelContext.addService(bus, true);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the reporter's CXF bus", e);
        }
        return bus;
    }

    public Bus bus() {
        return bus;
    }

    @Override
    protected void doStop() {
        bus.shutdown(true);
    }
}
