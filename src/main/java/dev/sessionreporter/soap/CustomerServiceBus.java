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
        Bus threadBus = BusFactory.getThreadDefaultBus(false);
        boolean hadDefaultBus = BusFactory.getDefaultBus(false) != null;
        bus = new CXFBusFactory().createBus();
        // CXF makes the first bus created in a JVM its default and the creating thread's bus: undo both for ours
        if (!hadDefaultBus && BusFactory.getDefaultBus(false) == bus) {
            BusFactory.setDefaultBus(null);
        }
        BusFactory.setThreadDefaultBus(threadBus);
        // Our WSDL attaches no WS-Policy, so CXF's policy engine (on whenever cxf-rt-ws-policy is on the class path)
        // would only search for policies on every message: switched off.
        PolicyEngine policyEngine = bus.getExtension(PolicyEngine.class);
        if (policyEngine != null) {
            policyEngine.setEnabled(false);
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
