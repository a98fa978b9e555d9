package dev.sessionreporter.soap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.secret.SecretRedactor;
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
}
