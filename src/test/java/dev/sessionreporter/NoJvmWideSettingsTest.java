package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reporter runs inside other people's JVMs (Karaf, a host application): none of its code may change a JVM-wide
 * setting that other libraries read, such as a system property.
 */
class NoJvmWideSettingsTest {
    private static final Pattern JVM_WIDE = Pattern.compile(
            "System\\s*\\.\\s*(setProperty|setProperties|clearProperty)\\s*\\(|System\\s*\\.\\s*getProperties\\s*\\(\\s*\\)\\s*\\.\\s*(put|setProperty|remove)");

    /**
     * One exception: the standalone jar's entry point, which owns its JVM, raises the JDK's idle keep-alive connections
     * ({@link SessionReporterApplication#ownJvmKeepsIdleConnections}); nothing a host (Karaf, a Camel application) runs.
     */
    @Test
    void noMainClassSetsASystemPropertyButTheStandaloneEntryPoint() {
        assertThat(sourcesMatching(Path.of("src/main/java")))
                .containsExactly(Path.of("src/main/java/dev/sessionreporter/SessionReporterApplication.java").toString());
    }

    @Test
    void theStandaloneEntryPointRaisesIdleConnectionsUnlessTheCommandLineSetsThem() {
        String before = System.getProperty(SessionReporterApplication.IDLE_CONNECTIONS);
        try {
            System.setProperty(SessionReporterApplication.IDLE_CONNECTIONS, "7");
            SessionReporterApplication.ownJvmKeepsIdleConnections();
            assertThat(System.getProperty(SessionReporterApplication.IDLE_CONNECTIONS)).isEqualTo("7");

            System.clearProperty(SessionReporterApplication.IDLE_CONNECTIONS);
            SessionReporterApplication.ownJvmKeepsIdleConnections();
            assertThat(System.getProperty(SessionReporterApplication.IDLE_CONNECTIONS)).isEqualTo(SessionReporterApplication.STANDALONE_IDLE_CONNECTIONS);
        } finally {
            if (before == null) {
                System.clearProperty(SessionReporterApplication.IDLE_CONNECTIONS);
            } else {
                System.setProperty(SessionReporterApplication.IDLE_CONNECTIONS, before);
            }
        }
    }

    private static List<String> sourcesMatching(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> JVM_WIDE.matcher(read(file)).find())
                    .map(Path::toString)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
