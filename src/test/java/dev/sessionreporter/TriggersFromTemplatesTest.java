package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.ReporterTestSupport;
import java.util.Properties;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.junit.jupiter.api.Test;

/**
 * The reporter's own trigger routes are made from the route templates a host application uses
 * (classpath:session-reporter/templates.camel.yaml): one definition of each flow. They carry the standalone's policies
 * and hand each key to its report step, so the templates' own report step makes no second Kamelet route here.
 */
class TriggersFromTemplatesTest extends ReporterTestSupport {

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // both triggers are the subject; the suite's default leaves the timer off
        properties.setProperty("reporter.timer.enabled", "true");
        return properties;
    }

    @Test
    void bothTriggersAreMadeFromTheTemplatesWithTheStandalonesBeans() {
        Route timer = context.getRoute("session-reporter-timer-trigger");
        Route queue = context.getRoute("session-reporter-queue-trigger");

        assertThat(timer.isCreatedByRouteTemplate()).isTrue();
        assertMadeFrom("session-reporter-timer-trigger", "session-reporter-timer-trigger");
        assertThat(queue.isCreatedByRouteTemplate()).isTrue();
        assertMadeFrom("session-reporter-queue-trigger", "session-reporter-queue-trigger");

        assertThat(timer.getRoutePolicyList())
                .contains(context.getRegistry().lookupByNameAndType("sessionReporterTimerLeaderPolicy", RoutePolicy.class));
        assertThat(queue.getRoutePolicyList())
                .contains(context.getRegistry().lookupByNameAndType("sessionReporterQueueConsumptionGate", RoutePolicy.class));
    }

    @Test
    void theKameletIsCalledByTheReportStepOnly() {
        assertThat(context.getRoutes()).filteredOn(route -> "true".equals(route.getProperties().get(Route.KAMELET_PROPERTY)))
                .extracting(Route::getRouteId).containsExactly("session-reporter-soap-call");
    }

    /** The route was given every parameter of that template (Camel keeps no template id on the route). */
    private void assertMadeFrom(String routeId, String templateId) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        RouteTemplateDefinition template = model.getRouteTemplateDefinition(templateId);
        RouteDefinition route = model.getRouteDefinition(routeId);
        assertThat(route.getTemplateParameters()).as(routeId)
                .containsKeys(template.getTemplateParameters().stream().map(p -> p.getName()).toArray(String[]::new));
    }
}
