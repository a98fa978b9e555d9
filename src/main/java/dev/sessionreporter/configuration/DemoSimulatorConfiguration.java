package dev.sessionreporter.configuration;

import dev.sessionreporter.Profiles;
import dev.sessionreporter.StartupConfigurationException;
import dev.sessionreporter.failure.Causes;
import dev.sessionreporter.simulator.CustomerServiceSimulator;
import java.net.BindException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo profile's far side (simulator.*): the built-in SuperOffice simulator on 127.0.0.1, started while Camel
 * starts and stopped with it, accepting the configured application token and ticket and knowing the sessions of
 * simulator.sessions. Outside the demo profile it does nothing.
 */
public class DemoSimulatorConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(DemoSimulatorConfiguration.class);

    @PropertyInject("simulator.enabled")
    boolean enabled;
    @PropertyInject("simulator.port")
    int port;
    @PropertyInject("simulator.sessions")
    String sessions;
    /** The credentials the reporter sends, so the simulator accepts them. */
    @PropertyInject("superoffice.application-token")
    String applicationToken;
    @PropertyInject("superoffice.ticket")
    String ticket;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (Profiles.DEMO.equals(camelContext.getCamelContextExtension().getProfile())) {
            Profiles.requireDemoServer(camelContext, enabled);
            start(camelContext);
        }
    }

    private void start(CamelContext camelContext) throws Exception {
        CustomerServiceSimulator simulator = new CustomerServiceSimulator(applicationToken, ticket);
        for (String session : sessions.split(",")) {
            String[] keyAndLogin = session.strip().split("=", 2);
            if (keyAndLogin.length == 2) {
                simulator.addSession(keyAndLogin[0].strip(), Integer.parseInt(keyAndLogin[1].strip()));
            }
        }
        // Bound on a thread of its own while Camel starts (start-up time); the routes start only once it serves.
        CompletableFuture<CustomerServiceSimulator> started = CompletableFuture.supplyAsync(
                () -> simulator.start(port), runnable -> {
                    Thread thread = new Thread(runnable, "simulator-start");
                    thread.setDaemon(true);
                    thread.start();
                });
        camelContext.addService(new ServiceSupport() {
            @Override
            protected void doStart() throws Exception {
                try {
                    started.get();
                } catch (ExecutionException e) {
                    if (Causes.find(e, BindException.class) != null) {
                        throw new StartupConfigurationException("The SuperOffice simulator cannot listen on 127.0.0.1:"
                                + port + " (in use?): choose a free port with simulator.port (SIMULATOR_PORT)");
                    }
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                LOG.warn("""

                        ************************************************************************************************
                        *  DEMO PROFILE: a built-in SuperOffice CustomerService SIMULATOR is running on {}
                        *  and the reporter talks to it, not to a real SuperOffice tenant.
                        *  For real use run with CAMEL_MAIN_PROFILE=prod and set superoffice.url and the credentials.
                        ************************************************************************************************""",
                        simulator.customerServiceUrl());
            }

            @Override
            protected void doStop() {
                started.whenComplete((done, failure) -> simulator.close());
            }
        }, true, true);
    }
}
