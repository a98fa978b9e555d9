package dev.sessionreporter.soap;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.Test;

/** The calling thread keeps the reporter's bus as its default; CXF's JVM-wide default bus stays as it was. */
class CallingThreadBusTest {

    @Test
    void aCallingThreadKeepsTheReportersBusAndTheJvmDefaultStaysUntouched() throws Exception {
        CustomerServiceBus ours = new CustomerServiceBus();
        Bus defaultBefore = BusFactory.getDefaultBus(false);
        Bus[] seen = new Bus[2];
        Thread reportThread = new Thread(() -> {
            CallingThreadBus callingThreadBus = new CallingThreadBus(ours);
            callingThreadBus.adopt();
            // what CXF's client does around each call: set its bus, then put the previous one back
            Bus previous = BusFactory.getAndSetThreadDefaultBus(ours.bus());
            BusFactory.setThreadDefaultBus(previous);
            seen[0] = BusFactory.getThreadDefaultBus(false);
            callingThreadBus.adopt();
            seen[1] = BusFactory.getThreadDefaultBus(false);
        }, "report-thread");
        try {
            reportThread.start();
            reportThread.join();
        } finally {
            ours.bus().shutdown(true);
        }

        assertThat(seen).containsOnly(ours.bus());
        assertThat(BusFactory.getDefaultBus(false)).isSameAs(defaultBefore).isNotSameAs(ours.bus());
        assertThat(BusFactory.getThreadDefaultBus(false)).as("this thread never adopted it").isNotSameAs(ours.bus());
    }
}
