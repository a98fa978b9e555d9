package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two jars of {@code mvn package}: the library (the main artifact a host application depends on) leaves out what
 * only the standalone process needs; the runnable jar still holds all of it. That the library's classes resolve against
 * its dependencies, and that those bring no broker server, logging backend or Camel Main, is checked from a real host
 * build (examples/camel-main-host, run by the invoker plugin).
 */
class LibraryArtifactIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path LIBRARY = TARGET.resolve("library/session-reporter.jar");
    private static final Path RUNNABLE = Path.of(System.getProperty("session-reporter.jar",
            TARGET.resolve("session-reporter.jar").toString()));

    @Test
    void theLibraryHoldsTheKameletAndNoStandalonePart() throws IOException {
        Set<String> library = entries(LIBRARY);

        assertThat(library).contains("kamelets/superoffice-session-active-action.kamelet.yaml",
                "dev/sessionreporter/kamelet/SessionActiveAction.class", "wsdl/CustomerService.wsdl");
        assertThat(library).filteredOn(entry -> entry.startsWith("dev/sessionreporter/simulator/")
                        || entry.startsWith("dev/sessionreporter/karaf/")
                        || entry.startsWith("routes/")
                        || entry.startsWith("dev/sessionreporter/SessionReporterApplication")
                        || entry.startsWith("dev/sessionreporter/SessionReporterConfiguration")
                        || entry.startsWith("dev/sessionreporter/broker/EmbeddedBroker"))
                .as("the simulator, the launchers, the embedded broker and the standalone routes").isEmpty();
        // a host's Camel Main or Log4j would read these before (or instead of) its own
        assertThat(library).doesNotContain("application.properties", "application-demo.properties",
                "application-prod.properties", "log4j2.properties");
    }

    @Test
    void theRunnableJarHoldsEveryClassAndFileOfTheProject() throws IOException {
        Path classes = TARGET.resolve("classes");
        Set<String> built;
        try (Stream<Path> files = Files.walk(classes)) {
            built = files.filter(Files::isRegularFile)
                    .map(file -> classes.relativize(file).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }

        assertThat(built).contains("dev/sessionreporter/simulator/CustomerServiceSimulator.class");
        assertThat(entries(RUNNABLE)).containsAll(built)
                .contains("org/apache/activemq/artemis/core/server/ActiveMQServer.class",
                        "org/apache/camel/main/Main.class", "org/apache/logging/log4j/core/Logger.class");
    }

    private static Set<String> entries(Path jar) throws IOException {
        assertThat(jar).as("built by mvn package").isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().filter(entry -> !entry.isDirectory()).map(JarEntry::getName)
                    .collect(Collectors.toSet());
        }
    }
}
