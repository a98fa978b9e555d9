package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionreporter.simulator.SimulatedFailure;
import dev.sessionreporter.support.ReporterTestSupport;
import dev.sessionreporter.support.TestSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker pauses the queue route that carries its gate, whatever the route's id: a user's triggers file
 * may rename {@code session-reporter-queue-trigger}.
 */
class CircuitBreakerRenamedQueueRouteTest extends ReporterTestSupport {
    private static final String RENAMED = "my-queue-intake";

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        // the built-in route files, with a triggers file whose queue route has another id
        properties.setProperty("camel.main.routes-include-pattern", "classpath:session-reporter/templates.camel.yaml,"
                + "classpath:routes/error-handling.camel.yaml,"
                + "classpath:routes/report-session.camel.yaml,classpath:routes/timer-target.camel.yaml,file:"
                + renamedTriggers());
        // the breaker is the subject: on, and quick to open and to probe
        properties.setProperty("reporter.circuit-breaker.enabled", "true");
        properties.setProperty("reporter.circuit-breaker.minimum-number-of-calls", "4");
        properties.setProperty("reporter.circuit-breaker.sliding-window-size", "4");
        properties.setProperty("reporter.circuit-breaker.wait-in-open-state", "1s");
        // fewer keys in flight when it opens
        properties.setProperty("reporter.queue.concurrent-consumers", "2");
        return properties;
    }

    private static Path renamedTriggers() {
        try {
            Path file = Files.createTempDirectory("session-reporter-routes").resolve("triggers.camel.yaml");
            String builtIn = Files.readString(Path.of("routes/triggers.camel.yaml"));
            assertThat(builtIn).contains("routeId: session-reporter-queue-trigger");
            Files.writeString(file, builtIn.replace("routeId: session-reporter-queue-trigger", "routeId: " + RENAMED));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pausesAndResumesTheRenamedQueueRoute() throws Exception {
        assertThat(context.getRoute("session-reporter-queue-trigger")).as("no route with the built-in id").isNull();
        CircuitBreaker breaker = context.getRegistry().lookupByNameAndType("sessionReporterSuperOfficeCircuitBreaker", CircuitBreaker.class);
        SIMULATOR.failAll(SimulatedFailure.httpStatus(503));
        for (int i = 0; i < 12; i++) {
            String key = TestSecrets.sessionKey("rn" + (i < 10 ? "0" : "") + i);
            SIMULATOR.addSession(key, 700 + i);
            queue().sendText(key);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() != CircuitBreaker.State.CLOSED);
        await().atMost(Duration.ofSeconds(10)).until(
                () -> context.getRouteController().getRouteStatus(RENAMED) == ServiceStatus.Suspended);

        SIMULATOR.clearFailures();
        await().atMost(Duration.ofSeconds(20)).until(
                () -> context.getRouteController().getRouteStatus(RENAMED) == ServiceStatus.Started);
    }
}
