package dev.sessionreporter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.FileUtil;

/**
 * The route files: the built-in ones ({@code camel.main.routes-include-pattern}, in the jar) and, when the folder
 * {@code reporter.routes.directory} exists, every {@code *.camel.yaml} in it. A file there with the name of a built-in
 * file replaces it (unless it is the same file, as in the project folder); any other adds routes. A missing folder is no error (Camel's {@code file:} pattern fails on it).
 */
final class ReporterRoutesCollector extends DefaultRoutesCollector {
    static final String DIRECTORY = "reporter.routes.directory";

    @Override
    public Collection<RoutesBuilder> collectRoutesFromDirectory(CamelContext camelContext, String excludePattern,
            String includePattern) {
        Map<String, Resource> files = new LinkedHashMap<>();
        for (Resource resource : findRouteResourcesFromDirectory(camelContext, excludePattern, includePattern)) {
            files.put(FileUtil.stripPath(resource.getLocation()), resource);
        }
        String directory = camelContext.getPropertiesComponent().resolveProperty(DIRECTORY).map(String::strip).orElse("");
        if (!directory.isEmpty() && Files.isDirectory(Path.of(directory))) {
            List<String> own = new java.util.ArrayList<>();
            for (Resource resource : findRouteResourcesFromDirectory(camelContext, excludePattern,
                    "file:" + directory + "/*.camel.yaml")) {
                String name = FileUtil.stripPath(resource.getLocation());
                Resource builtIn = files.get(name);
                if (builtIn != null && sameContent(builtIn, resource)) {
                    // e.g. started from the project folder, whose routes/ is what the jar was built from
                    continue;
                }
                own.add(name + (builtIn != null ? " (replaces the built-in one)" : ""));
                files.put(name, resource);
            }
            if (!own.isEmpty()) {
                log.info("Route files from {}: {}", Path.of(directory).toAbsolutePath(), String.join(", ", own));
            }
        }
        try {
            return PluginHelper.getRoutesLoader(camelContext).findRoutesBuilders(files.values());
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeException(e);
        }
    }

    private static boolean sameContent(Resource one, Resource other) {
        try (InputStream a = one.getInputStream(); InputStream b = other.getInputStream()) {
            return Arrays.equals(a.readAllBytes(), b.readAllBytes());
        } catch (IOException e) {
            return false;
        }
    }
}
