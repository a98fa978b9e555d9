package dev.sessionreporter;

import java.util.Optional;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Makes the {@code camel.main.*} settings of the active profile's file count in the {@code dev} profile.
 * <p>
 * Camel Main treats a profile named {@code dev} as "Camel developer mode": after the properties have been applied it
 * switches on message history, Extended JMX statistics, load statistics, the developer console, a class-path scan for
 * custom health checks (in the shaded jar it inflates every entry of the 50 MB jar: ~0.7 s of start-up), tracer
 * standby and more, so the lines of {@code application-dev.properties} that switch them off had no effect. The
 * reporter's {@code dev} profile means "against the built-in simulator", not "debug Camel". Once Camel Main has
 * configured the context, before it starts, this listener applies those settings again as the properties give them;
 * a setting no property names keeps Camel's dev value.
 */
public class DevProfileCamelSettings extends MainListenerSupport {
    static final String CAMEL_DEV_PROFILE = "dev";

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext camel = main.getCamelContext();
        if (!CAMEL_DEV_PROFILE.equals(camel.getCamelContextExtension().getProfile())) {
            return;
        }
        PropertiesComponent properties = camel.getPropertiesComponent();
        flag(properties, "camel.main.load-health-checks", camel::setLoadHealthChecks);
        flag(properties, "camel.main.dev-console-enabled", camel::setDevConsole);
        flag(properties, "camel.main.message-history", camel::setMessageHistory);
        flag(properties, "camel.main.source-location-enabled", camel::setSourceLocationEnabled);
        flag(properties, "camel.main.modeline", camel::setModeline);
        flag(properties, "camel.main.inflight-repository-browse-enabled",
                camel.getInflightRepository()::setInflightBrowseEnabled);
        flag(properties, "camel.main.camel-events-timestamp-enabled",
                camel.getManagementStrategy().getEventFactory()::setTimestampEnabled);
        flag(properties, "camel.trace.standby", camel::setTracingStandby);
        value(properties, "camel.main.startup-recorder").filter("false"::equals)
                .ifPresent(off -> camel.getCamelContextExtension().getStartupStepRecorder().setEnabled(false));
        ManagementAgent agent = camel.getManagementStrategy().getManagementAgent();
        if (agent != null) {
            flag(properties, "camel.main.load-statistics-enabled", agent::setLoadStatisticsEnabled);
            flag(properties, "camel.main.endpoint-runtime-statistics-enabled", agent::setEndpointRuntimeStatisticsEnabled);
            value(properties, "camel.main.jmx-management-statistics-level")
                    .map(ManagementStatisticsLevel::valueOf).ifPresent(agent::setStatisticsLevel);
        }
    }

    private static void flag(PropertiesComponent properties, String key, Consumer<Boolean> setter) {
        value(properties, key).map(Boolean::parseBoolean).ifPresent(setter);
    }

    private static Optional<String> value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::strip).filter(value -> !value.isEmpty());
    }
}
