package dev.sessionreporter.karaf;

import java.nio.file.Path;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ManagedService;

/**
 * Bundle activator of the Karaf bundle: registers the reporter as the ManagedService of PID
 * {@value KarafSettings#PID}, so ConfigAdmin starts it with {@code etc/dev.sessionreporter.cfg} and restarts it on
 * every change of that file. Stopping the bundle (feature:uninstall, bundle:stop, Karaf shutdown) stops Camel and
 * every thread the reporter started.
 */
public final class ReporterActivator implements BundleActivator {
    private KarafReporter reporter;
    private ServiceRegistration<ManagedService> registration;

    @Override
    public void start(BundleContext context) {
        ClassLoader bundleClassLoader = context.getBundle().adapt(BundleWiring.class).getClassLoader();
        reporter = new KarafReporter(bundleClassLoader, karafFolder(context, "karaf.etc", "etc"),
                karafFolder(context, "karaf.data", "data"));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, KarafSettings.PID);
        registration = context.registerService(ManagedService.class, reporter, properties);
    }

    @Override
    public void stop(BundleContext context) throws InterruptedException {
        registration.unregister();
        reporter.close();
    }

    private static Path karafFolder(BundleContext context, String property, String fallback) {
        String folder = context.getProperty(property);
        return Path.of(folder == null || folder.isBlank() ? fallback : folder).toAbsolutePath();
    }
}
