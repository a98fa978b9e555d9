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

    @Test
    void noMainClassSetsASystemProperty() {
        assertThat(sourcesMatching(Path.of("src/main/java"))).isEmpty();
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
