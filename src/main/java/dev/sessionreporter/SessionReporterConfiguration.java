package dev.sessionreporter;

import dev.sessionreporter.configuration.BreakerConfiguration;
import dev.sessionreporter.configuration.BrokerConfiguration;
import dev.sessionreporter.configuration.ClusterConfiguration;
import dev.sessionreporter.configuration.DemoSimulatorConfiguration;
import dev.sessionreporter.configuration.FailureHandlingConfiguration;
import dev.sessionreporter.configuration.OperateConfiguration;
import dev.sessionreporter.configuration.SuperOfficeClientConfiguration;
import dev.sessionreporter.configuration.TriggersConfiguration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.support.PluginHelper;

/**
 * The reporter's configuration, the one Camel Main (and the Karaf bundle) adds. Each concern is a part of its own in
 * {@code dev.sessionreporter.configuration} that binds its beans and checks its settings; {@link #configure} is the
 * table of contents. README "Configure" lists every property; routes live in {@code routes/*.camel.yaml} and refer
 * to the beans by name.
 */
@Configuration
public class SessionReporterConfiguration implements CamelConfiguration {
    private final SuperOfficeClientConfiguration superOfficeClient = new SuperOfficeClientConfiguration();
    private final FailureHandlingConfiguration failureHandling =
            new FailureHandlingConfiguration(superOfficeClient::secretRedactor);
    private final BreakerConfiguration breaker = new BreakerConfiguration(failureHandling.failureClassifier());
    private final BrokerConfiguration broker = new BrokerConfiguration();
    private final TriggersConfiguration triggers = new TriggersConfiguration();
    private final ClusterConfiguration cluster = new ClusterConfiguration();
    private final OperateConfiguration operate = new OperateConfiguration(new OperateConfiguration.Parts(triggers,
            failureHandling, breaker, cluster, broker, superOfficeClient::ticketCache));
    private final DemoSimulatorConfiguration demoSimulator = new DemoSimulatorConfiguration();

    /**
     * The table of contents. The parts are bound first, each after the parts it reads, then the settings are checked
     * part by part. The demo simulator starts before the checks, binding its port on a thread of its own meanwhile
     * (start-up time); the embedded broker starts last, once nothing can refuse the start any more.
     */
    @Override
    public void configure(CamelContext camelContext) throws Exception {
        bind(camelContext, superOfficeClient, failureHandling, breaker, broker, triggers, cluster, operate,
                demoSimulator);
        boolean demo = Profiles.DEMO.equals(Profiles.check(camelContext.getCamelContextExtension().getProfile()));
        PlaceholderChecks.checkAll(camelContext);
        demoSimulator.configure(camelContext);
        superOfficeClient.checkServer(demo);
        triggers.configure(camelContext);
        cluster.configure(camelContext);
        breaker.configure(camelContext);
        operate.configure(camelContext);
        superOfficeClient.loginIfAsked(camelContext);
        broker.configure(camelContext);
    }

    /** What Camel Main does with a configuration class: inject its properties and bind its beans. */
    private static void bind(CamelContext camelContext, Object... parts) throws Exception {
        CamelBeanPostProcessor processor = PluginHelper.getBeanPostProcessor(camelContext);
        for (Object part : parts) {
            processor.postProcessBeforeInitialization(part, part.getClass().getName());
            processor.postProcessAfterInitialization(part, part.getClass().getName());
        }
    }
}
