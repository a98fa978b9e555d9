package dev.sessionreporter.breaker;

import dev.sessionreporter.failure.ReporterHeaders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the circuit breaker's state so that a SuperOffice outage does not burn queue messages: when the circuit
 * opens, the queue consumer is suspended (messages stay on the queue); when it turns half-open, one probe report is
 * sent; when the probe succeeds and the circuit closes, the consumer resumes.
 * <p>
 * A route policy: the queue route names it ({@code routePolicy: queueConsumptionGate} in its YAML), so the gate
 * pauses whichever route carries it, whatever its id. Also a service of the CamelContext, which starts it once.
 */
public class QueueConsumptionGate extends RoutePolicySupport {
    /** A key no session has: the server answers Response=0, which proves it is up without touching a real session. */
    public static final String PROBE_SESSION_KEY = "session-reporter-circuit-breaker-probe";
    private static final Logger LOG = LoggerFactory.getLogger(QueueConsumptionGate.class);

    private volatile CamelContext camelContext;
    private final CircuitBreaker circuitBreaker;
    private final Consumer<ProducerTemplate> probe;
    private final List<Route> queueRoutes = new CopyOnWriteArrayList<>();
    private boolean listening;
    private ExecutorService executor;
    private ProducerTemplate probes;

    /** @param probeEndpoint where the half-open probe goes: the SOAP call, without retries or dead letters */
    public QueueConsumptionGate(CamelContext camelContext, CircuitBreaker circuitBreaker, String probeEndpoint) {
        this.camelContext = camelContext;
        this.circuitBreaker = circuitBreaker;
        this.probe = probes -> probeThrough(probes, probeEndpoint);
    }

    /**
     * For a route template's local bean, made before any CamelContext is at hand: the context is the guarded route's,
     * and {@code probe} makes the half-open probe call (through {@code circuitBreaker}, so that its outcome counts).
     */
    public QueueConsumptionGate(CircuitBreaker circuitBreaker, Consumer<ProducerTemplate> probe) {
        this.circuitBreaker = circuitBreaker;
        this.probe = probe;
    }

    @Override
    public void onInit(Route route) {
        if (camelContext == null) {
            camelContext = route.getCamelContext();
        }
        queueRoutes.add(route);
    }

    @Override
    public void onRemove(Route route) {
        queueRoutes.remove(route);
    }

    @Override
    protected synchronized void doStart() {
        // Route control must not run on the consumer thread that tripped the breaker: it would wait for itself.
        executor = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "CircuitBreakerGate");
        probes = camelContext.createProducerTemplate();
        if (!listening) {
            // once: the breaker's event publisher has no way to unsubscribe
            circuitBreaker.getEventPublisher().onStateTransition(this::onTransition);
            listening = true;
        }
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdownNow(executor);
        }
        if (probes != null) {
            probes.stop();
        }
    }

    private void onTransition(CircuitBreakerOnStateTransitionEvent event) {
        if (!isRunAllowed()) {
            return;
        }
        switch (event.getStateTransition().getToState()) {
            case OPEN, FORCED_OPEN -> {
                var metrics = circuitBreaker.getMetrics();
                LOG.warn("SuperOffice keeps failing ({}% of the last {} calls): circuit breaker OPEN, queue consumption "
                        + "paused for {} s; queued session keys stay on the queue, timer reports are skipped",
                        Math.round(metrics.getFailureRate()), metrics.getNumberOfBufferedCalls(),
                        circuitBreaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1) / 1000);
                executor.execute(this::suspendQueue);
            }
            case HALF_OPEN -> {
                LOG.info("Circuit breaker HALF_OPEN: probing SuperOffice");
                executor.execute(this::probe);
            }
            case CLOSED -> {
                LOG.info("Circuit breaker CLOSED: SuperOffice answers again, queue consumption resumed");
                executor.execute(this::resumeQueue);
            }
            default -> LOG.debug("Circuit breaker {}", event.getStateTransition());
        }
    }

    private void suspendQueue() {
        for (Route route : queueRoutes) {
            String id = route.getRouteId();
            try {
                if (camelContext.getRouteController().getRouteStatus(id) == ServiceStatus.Started) {
                    camelContext.getRouteController().suspendRoute(id);
                    LOG.info("Route {} paused while the circuit breaker is open", id);
                }
            } catch (Exception e) {
                LOG.warn("Could not pause route {}: {}", id, e.getMessage());
            }
        }
    }

    private void resumeQueue() {
        for (Route route : queueRoutes) {
            String id = route.getRouteId();
            try {
                if (camelContext.getRouteController().getRouteStatus(id) == ServiceStatus.Suspended) {
                    camelContext.getRouteController().resumeRoute(id);
                }
            } catch (Exception e) {
                LOG.warn("Could not resume route {}: {}", id, e.getMessage());
            }
        }
    }

    private void probe() {
        probe.accept(probes);
    }

    private static void probeThrough(ProducerTemplate probes, String probeEndpoint) {
        var result = probes.request(probeEndpoint, exchange -> {
            // the SOAP step reads the key from the body, the result line from the property (as a trigger's accept sets it)
            exchange.getIn().setBody(PROBE_SESSION_KEY);
            exchange.setProperty(ReporterHeaders.SESSION_KEY_PROPERTY, PROBE_SESSION_KEY);
        });
        // success or failure is recorded by the circuit breaker itself; a failed probe re-opens it
        if (result.getException() != null) {
            LOG.debug("Circuit breaker probe failed: {}", result.getException().getClass().getSimpleName());
        }
    }
}
