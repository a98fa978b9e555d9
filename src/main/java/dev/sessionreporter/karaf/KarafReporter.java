package dev.sessionreporter.karaf;

import dev.sessionreporter.Profiles;
import dev.sessionreporter.SessionReporterApplication;
import dev.sessionreporter.SessionReporterConfiguration;
import io.github.resilience4j.circuitbreaker.internal.SchedulerFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Authenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnector;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.osgi.service.cm.ManagedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reporter inside Karaf: one Camel Main with the standalone runtime's configuration class and routes, (re)started
 * whenever ConfigAdmin delivers the configuration {@value KarafSettings#PID} and stopped when the bundle stops.
 * <p>
 * Starting and stopping happen on one thread of our own, in order: ConfigAdmin's thread is never blocked by Camel,
 * and a configuration that arrives while the previous one is still starting waits its turn.
 */
final class KarafReporter implements ManagedService {
    private static final Logger LOG = LoggerFactory.getLogger(KarafReporter.class);
    /** Camel's shutdown (reporter.shutdown.timeout) plus the services: the bundle stop waits at most this long. */
    private static final long STOP_TIMEOUT_SECONDS = 120;
    /** How long a stop waits for the reporter's threads to end after Camel and the broker client have stopped. */
    private static final long THREAD_END_TIMEOUT_SECONDS = 15;
    /** The name resilience4j gives the thread of its breakers' shared scheduler (see {@link #stopForGood}). */
    private static final String CIRCUIT_BREAKER_SCHEDULER_THREAD = "CircuitBreakerAutoTransitionThread";

    private final ClassLoader bundleClassLoader;
    private final Path karafEtc;
    private final Path karafData;
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(
            task -> new Thread(task, "session-reporter-karaf"));
    private Main running;

    KarafReporter(ClassLoader bundleClassLoader, Path karafEtc, Path karafData) {
        this.bundleClassLoader = bundleClassLoader;
        this.karafEtc = karafEtc;
        this.karafData = karafData;
    }

    /** ConfigAdmin: the configuration was created, changed or deleted (null). */
    @Override
    public void updated(Dictionary<String, ?> configuration) {
        Properties overrides = configuration == null ? null : KarafSettings.overrides(configuration, karafEtc, karafData);
        try {
            lifecycle.execute(() -> {
                stop();
                if (overrides == null) {
                    LOG.info("Session reporter waits for its configuration {}.cfg in {}", KarafSettings.PID, karafEtc);
                } else {
                    start(overrides);
                }
            });
        } catch (RejectedExecutionException e) {
            // the bundle is stopping: a configuration that arrives now has nothing left to configure
        }
    }

    /** Stops the reporter and its lifecycle thread; returns when both are gone (or after the stop timeout). */
    void close() throws InterruptedException {
        lifecycle.execute(this::stopForGood);
        lifecycle.shutdown();
        if (!lifecycle.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            LOG.error("Session reporter did not stop within {} s", STOP_TIMEOUT_SECONDS);
            lifecycle.shutdownNow();
        }
    }

    private void start(Properties overrides) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Camel, CXF and Artemis look up their extensions through the context class loader: the bundle's, which sees
        // the embedded jars. Threads started now inherit it.
        thread.setContextClassLoader(bundleClassLoader);
        Main main = new BundleMain(bundleClassLoader);
        try {
            Path routes = KarafSettings.routesDirectory(overrides);
            Files.createDirectories(routes);
            String profile = KarafSettings.profile(overrides);
            main.configure().withProfile(profile);
            main.addMainListener(Profiles.knownProfileCheck());
            main.configure().withAdditionalSensitiveKeywords(SessionReporterApplication.SENSITIVE_KEYWORDS);
            main.configure().addConfiguration(SessionReporterConfiguration.class);
            // the secrets file (if named) and the profile's settings before the bundle's application.properties; the
            // .cfg (override properties), the environment and system properties before all of them
            main.setPropertyPlaceholderLocations(SessionReporterApplication.secretsFileLocation()
                    + "classpath:application-" + profile + ".properties;optional=true,"
                    + "classpath:application.properties");
            main.setOverrideProperties(overrides);
            main.start();
            running = main;
            LOG.info("Session reporter started in Karaf (profile {}, routes from {})", profile, routes);
        } catch (Exception | LinkageError e) {
            SessionReporterApplication.logStartFailure(e);
            LOG.info("Session reporter is not running; it starts again when {}.cfg changes", KarafSettings.PID);
            stop(main);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void stop() {
        if (running != null) {
            stop(running);
            running = null;
        }
    }

    /**
     * The bundle stops: the reporter, and then the threads that serve every start of it. Resilience4j's circuit breakers
     * share one scheduler per class loader (its {@code CircuitBreakerAutoTransitionThread}), created with the first
     * breaker and never ended: left running it would keep the uninstalled bundle's class loader, and with it the last
     * CamelContext, in the heap. Its executor starts no thread until used, so asking for it here costs nothing.
     * Likewise CXF's URLConnection conduit makes a class of this bundle the JVM's default {@link Authenticator}.
     */
    private void stopForGood() {
        stop();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(bundleClassLoader);
        try {
            SchedulerFactory.getInstance().getScheduler().shutdownNow();
            removeCxfAuthenticator();
            awaitThreadsOfThisBundle(Set.of());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * CXF's URLConnection conduit sets a {@code ReferencingAuthenticator} as the JVM-wide default Authenticator, wrapping
     * the previous one; on Java 9+ its class is defined in this bundle's class loader, so it pins the uninstalled
     * bundle for ever. Its own (private) {@code remove()} unlinks it from the default or from a chain of them.
     */
    private void removeCxfAuthenticator() {
        for (Authenticator current = Authenticator.getDefault(); current != null; current = wrappedBy(current)) {
            if (current.getClass().getClassLoader() == bundleClassLoader) {
                try {
                    Method remove = current.getClass().getDeclaredMethod("remove");
                    remove.setAccessible(true);
                    remove.invoke(current);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.warn("Session reporter could not remove CXF's default Authenticator: {}", e.toString());
                }
                return;
            }
        }
    }

    /** The Authenticator a CXF ReferencingAuthenticator (of any bundle) falls back to; null for any other. */
    private static Authenticator wrappedBy(Authenticator authenticator) {
        if (!authenticator.getClass().getName().equals("org.apache.cxf.transport.http.ReferencingAuthenticator")) {
            return null;
        }
        try {
            Field wrapped = authenticator.getClass().getDeclaredField("wrapped");
            wrapped.setAccessible(true);
            return (Authenticator) wrapped.get(authenticator);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private void stop(Main main) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(bundleClassLoader);
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Session reporter did not stop cleanly: {}", e.toString());
        } finally {
            // The Artemis client's global thread pools and Netty's shared event loop outlive every connection factory:
            // end them, or the next start (or the uninstalled bundle's leftovers) keeps threads of the old class loader.
            ActiveMQClient.clearThreadPools();
            NettyConnector.clearThreadPools();
            // the breakers' scheduler serves the next start too; it ends with the bundle (stopForGood)
            awaitThreadsOfThisBundle(Set.of(CIRCUIT_BREAKER_SCHEDULER_THREAD));
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Waits until the threads the reporter started have ended: every thread whose context class loader is the
     * bundle's (they inherit it, see {@link #start}). Netty's event loop, for one, closes its channels after the
     * shutdown call returns and loads classes while doing so; once the bundle is gone that fails.
     */
    private void awaitThreadsOfThisBundle(Set<String> lastingThreads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(THREAD_END_TIMEOUT_SECONDS);
        List<String> running = new ArrayList<>();
        for (Thread other : Thread.getAllStackTraces().keySet()) {
            if (other == Thread.currentThread() || other.getContextClassLoader() != bundleClassLoader
                    || lastingThreads.contains(other.getName())) {
                continue;
            }
            try {
                other.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (other.isAlive()) {
                running.add(other.getName());
            }
        }
        if (!running.isEmpty()) {
            LOG.warn("Session reporter stopped, but these of its threads are still running: {}", running);
        }
    }

    /**
     * Camel Main whose CamelContext loads classes and resources through the bundle, and that leaves the JVM's
     * shutdown hooks alone: Camel Main's default shutdown strategy adds a hook at every start and never removes it,
     * so each restart (a .cfg change, a reinstall) would pin the stopped CamelContext and the bundle's class loader.
     * The bundle's own stop (Karaf's shutdown included) stops Camel instead.
     */
    private static final class BundleMain extends Main {
        private final ClassLoader classLoader;

        BundleMain(ClassLoader classLoader) {
            this.classLoader = classLoader;
            setShutdownStrategy(new SimpleMainShutdownStrategy());
        }

        @Override
        protected CamelContext createCamelContext() {
            CamelContext context = super.createCamelContext();
            context.setApplicationContextClassLoader(classLoader);
            return context;
        }
    }
}
