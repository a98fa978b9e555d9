package dev.sessionreporter.kamelet;

import org.apache.camel.component.cxf.jaxws.CxfEndpoint;

/**
 * The CustomerService endpoint of one Kamelet instance (a Kamelet template bean): the endpoint of the instance's
 * {@link SessionActiveClient}, on that client's own CXF bus, which is shut down with the host's CamelContext. So every
 * instance has its own address and timeouts, and the host's default bus and CXF endpoints stay as they are.
 */
public class SessionActiveEndpoint extends CxfEndpoint {
    private SessionActiveAction action;

    /** The same instance's action, whose client this endpoint calls with. */
    public void setAction(SessionActiveAction action) {
        this.action = action;
    }

    @Override
    protected void doInit() throws Exception {
        // before anything asks for the bus: CxfEndpoint.getBus() would otherwise take (or create) CXF's default bus
        action.client(getCamelContext()).configure(this, getCamelContext());
        super.doInit();
    }
}
