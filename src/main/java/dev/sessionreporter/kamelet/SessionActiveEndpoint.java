package dev.sessionreporter.kamelet;

import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.soap.CustomerServiceBus;
import dev.sessionreporter.soap.CustomerServiceEndpoint;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;

/**
 * The CustomerService endpoint of one Kamelet instance (a Kamelet template bean, configured by its properties): the same
 * endpoint as the standalone reporter's, on a CXF bus of its own that is shut down with the host's CamelContext. So
 * every instance has its own address and timeouts, and the host's default bus and CXF endpoints stay as they are.
 */
public class SessionActiveEndpoint extends CxfEndpoint {
    private long connectTimeout = 5000;
    private long receiveTimeout = 10000;
    private long maxAnswerSize = 65536;

    /** Milliseconds to wait for the TCP (and TLS) connection. */
    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = positive("connectTimeout", connectTimeout);
    }

    /** Milliseconds to wait for the whole answer. */
    public void setReceiveTimeout(long receiveTimeout) {
        this.receiveTimeout = positive("receiveTimeout", receiveTimeout);
    }

    /** Largest answer read, in bytes; a larger one is an INVALID_ANSWER. */
    public void setMaxAnswerSize(long maxAnswerSize) {
        this.maxAnswerSize = positive("maxAnswerSize", maxAnswerSize);
    }

    @Override
    protected void doInit() throws Exception {
        String address = getAddress();
        if (address == null || !address.strip().matches("(?i)https?://.+")) {
            throw new IllegalArgumentException("The Kamelet property url must be an http:// or https:// address");
        }
        // before anything asks for the bus: CxfEndpoint.getBus() would otherwise take (or create) CXF's default bus
        CustomerServiceEndpoint.configure(this, getCamelContext(), CustomerServiceBus.startedWith(getCamelContext()),
                address, connectTimeout, receiveTimeout, maxAnswerSize, null, false, new SecretRedactor());
        super.doInit();
    }

    private static long positive(String property, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("The Kamelet property " + property + " must be positive, not " + value);
        }
        return value;
    }
}
