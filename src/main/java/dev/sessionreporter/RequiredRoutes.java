package dev.sessionreporter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.EndpointHelper;

/**
 * Refuses to start when a route the others (or the configuration's beans) depend on is missing, e.g. after a file in
 * the routes folder replaced a built-in one without it. Routes are recognised by what they consume and the policies
 * they carry, not by their ids, so a renamed route still counts. Checked before any route starts.
 */
public final class RequiredRoutes implements StartupListener {
    private final boolean timerEnabled;
    private final String queueUri;

    public RequiredRoutes(boolean timerEnabled, String queueUri) {
        this.timerEnabled = timerEnabled;
        this.queueUri = queueUri;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted) {
            return;
        }
        List<RouteDefinition> routes = context.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteDefinitions();
        List<String> missing = new ArrayList<>();
        for (String direct : new String[] {"session-reporter-report", "session-reporter-call", "session-reporter-dead-letter", "session-reporter-timer-key"}) {
            if (routes.stream().noneMatch(route -> consumes(context, route, "direct:" + direct))) {
                missing.add(direct + " (from direct:" + direct + ")");
            }
        }
        if (routes.stream().noneMatch(route -> consumes(context, route, queueUri)
                && hasPolicy(context, route, "sessionReporterQueueConsumptionGate"))) {
            missing.add("session-reporter-queue-trigger (from reporter.queue.uri, with routePolicy sessionReporterQueueConsumptionGate)");
        }
        if (timerEnabled && routes.stream().noneMatch(route -> hasPolicy(context, route, "sessionReporterTimerLeaderPolicy"))) {
            missing.add("session-reporter-timer-trigger (with routePolicy sessionReporterTimerLeaderPolicy; or set reporter.timer.enabled=false)");
        }
        if (!missing.isEmpty()) {
            throw new StartupConfigurationException("Required routes are missing: " + String.join(", ", missing)
                    + ". The jar's built-in route files define them; a file of the same name in reporter.routes.directory"
                    + " (routes/) replaces a built-in file and must define its routes too");
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // checked while starting, before any route runs
    }

    private static boolean consumes(CamelContext context, RouteDefinition route, String uri) {
        if (route.getInput() == null || route.getInput().getEndpointUri() == null) {
            return false;
        }
        // the endpoint, whatever options the route adds (the queue route's parameters)
        String input = withoutOptions(resolve(context, route, route.getInput().getEndpointUri()));
        return EndpointHelper.matchEndpoint(context, input, withoutOptions(context.resolvePropertyPlaceholders(uri)));
    }

    /** A route made from a template names its parameters ({{queueUri}}): their values first, then the properties. */
    private static String resolve(CamelContext context, RouteDefinition route, String text) {
        Map<String, Object> parameters = route.getTemplateParameters();
        if (parameters != null) {
            for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
                text = text.replace("{{" + parameter.getKey() + "}}", String.valueOf(parameter.getValue()));
            }
        }
        try {
            return context.resolvePropertyPlaceholders(text);
        } catch (IllegalArgumentException localBean) {
            // e.g. the template's own policy {{breakerPause}}, not one of the beans looked for
            return text;
        }
    }

    private static String withoutOptions(String uri) {
        int options = uri.indexOf('?');
        return options < 0 ? uri : uri.substring(0, options);
    }

    private static boolean hasPolicy(CamelContext context, RouteDefinition route, String bean) {
        String policies = route.getRoutePolicyRef() == null ? null : resolve(context, route, route.getRoutePolicyRef());
        return policies != null && Arrays.stream(policies.split(",")).map(String::strip).anyMatch(bean::equals);
    }
}
