package dev.sessionreporter.soap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.secret.SecretRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.Test;

/** The endpoint's CXF bus is its own: never CXF's default bus, and shut down when the CamelContext stops. */
class CustomerServiceBusTest {

    @Test
    void theEndpointsBusIsNotTheDefaultBusAndEndsWithTheCamelContext() {
        Bus defaultBusBefore = BusFactory.getDefaultBus(false);
        CamelContext camel = new DefaultCamelContext();
        // created before the context starts, as the configuration class binds it
        CxfEndpoint endpoint = CustomerServiceEndpoint.create(camel, "http://127.0.0.1:9/CustomerService.svc", 1000, 1000, 65536,
                TlsSettings.create(camel, null, null, null, null, null, null), false, new SecretRedactor());
        Bus bus = endpoint.getBus();
        camel.start();

        assertThat(BusFactory.getDefaultBus(false)).isSameAs(defaultBusBefore).isNotSameAs(bus);
        assertThat(BusFactory.getThreadDefaultBus(false)).isNotSameAs(bus);
        assertThat(bus.getState()).isEqualTo(Bus.BusState.RUNNING);

        camel.stop();

        assertThat(bus.getState()).isEqualTo(Bus.BusState.SHUTDOWN);
    }

    @Test
    void noOtherThreadEverSeesTheReportersBusAsCxfsDefaultBus() throws Exception {
        // a host JVM in which no CXF client has created the default bus yet (earlier tests in this fork may have)
        BusFactory.setDefaultBus(null);
        Set<Bus> seenAsDefault = ConcurrentHashMap.newKeySet();
        AtomicBoolean watching = new AtomicBoolean(true);
        // a host thread asking CXF for the default bus while the reporter creates its own
        Thread host = new Thread(() -> {
            while (watching.get()) {
                Bus seen = BusFactory.getDefaultBus(false);
                if (seen != null) {
                    seenAsDefault.add(seen);
                }
            }
        }, "host-cxf-client");
        host.start();
        List<Bus> ours = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                ours.add(new CustomerServiceBus().bus());
            }
        } finally {
            watching.set(false);
            host.join();
            ours.forEach(bus -> bus.shutdown(true));
        }

        assertThat(seenAsDefault).isEmpty();
        assertThat(BusFactory.getDefaultBus(false)).isNull();
    }
}
