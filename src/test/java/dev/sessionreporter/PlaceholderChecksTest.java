package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code {{placeholder}}} of the routes, and of the camel.* lines of application.properties, is checked at
 * start-up: adding one without a check in {@link PlaceholderChecks} fails here.
 */
class PlaceholderChecksTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");

    @Test
    void everyPlaceholderOfTheRoutesAndOfCamelsSettingsIsChecked() {
        assertThat(placeholders()).as("found in routes/*.camel.yaml and application.properties")
                .contains("reporter.timer.period", "reporter.queue.uri", "reporter.management.port");
        assertThat(PlaceholderChecks.properties()).containsAll(placeholders());
    }

    /** "5 minutes" is no duration, number, port, boolean, host, timer target nor endpoint URI. */
    @ParameterizedTest
    @MethodSource("placeholders")
    void aValueItsOptionCannotTakeStopsTheStartNamingTheProperty(String property) {
        Properties settings = new Properties();
        settings.setProperty(property, "5 minutes");

        assertThat(StartupValueChecksTest.startupError(settings)).contains(property);
    }

    @Test
    void theShippedValuesPassTheChecks() throws Exception {
        Properties shipped = new Properties();
        try (var reader = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setInitialProperties(shipped);

            PlaceholderChecks.checkValues(camel.getPropertiesComponent());
        }
    }

    static Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.filter(file -> file.toString().endsWith(".camel.yaml")).toList()) {
                collect(Files.readString(route), names);
            }
            List<String> camelSettings = Files.readAllLines(Path.of("application.properties")).stream()
                    .filter(line -> line.startsWith("camel.")).toList();
            collect(String.join("\n", camelSettings), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static void collect(String text, Set<String> names) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1).strip());
        }
    }
}
