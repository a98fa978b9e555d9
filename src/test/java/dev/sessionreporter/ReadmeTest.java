package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is what a newcomer reads: short, its configuration table in step with {@code application.properties}, its
 * troubleshooting messages the ones the reporter really prints, its links alive, and no history in it or the docs.
 */
class ReadmeTest {
    private static final Path README = Path.of("README.md");
    private static final int MAX_LINES = 400;
    /** A table row whose first cell is one property in backquotes. */
    private static final Pattern PROPERTY_ROW = Pattern.compile("^\\| `([a-z0-9.\\-]+)` \\|(.*)\\|$");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]*)(?:#([^)\\s]*))?\\)");

    @Test
    void readsInTenMinutes() throws IOException {
        assertThat(Files.readAllLines(README)).hasSizeLessThanOrEqualTo(MAX_LINES);
    }

    @Test
    void theConfigurationTableHasEveryPropertyWithItsEnvironmentVariableAndDefault() throws IOException {
        Map<String, String> shipped = shippedProperties();
        Map<String, List<String>> table = configurationTable();

        assertThat(table.keySet()).as("properties of the README's configuration table")
                .containsExactlyInAnyOrderElementsOf(shipped.keySet());
        table.forEach((property, cells) -> {
            assertThat(cells).as(property + ": property | environment variable | default | meaning").hasSize(3);
            assertThat(cells.get(0)).as(property + " environment variable")
                    .isEqualTo("`" + Settings.environmentVariable(property) + "`");
            assertThat(defaultOf(cells.get(1))).as(property + " default (application.properties)")
                    .isEqualTo(shipped.get(property));
            assertThat(cells.get(2)).as(property + " meaning").isNotBlank();
        });
    }

    @Test
    void theTroubleshootingMessagesAreTheOnesTheReporterPrints() throws IOException {
        String section = section("## Troubleshooting");
        String sources = Stream.of(Path.of("src/main/java"), Path.of("routes"), Path.of("src/main/resources"))
                .flatMap(ReadmeTest::files).map(ReadmeTest::read)
                .map(text -> text.replaceAll("\"\\s*\\+\\s*\"", "").replaceAll("\\s+", " "))
                .collect(Collectors.joining("\n"));
        List<String> messages = section.lines().filter(line -> line.startsWith("| `"))
                .map(line -> firstCode(line.substring(1, line.indexOf('|', 1))))
                .toList();

        assertThat(messages).as("troubleshooting rows").hasSizeGreaterThanOrEqualTo(10);
        for (String message : messages) {
            // the literal parts of the message (between the values "...") are in the code
            for (String part : message.split("\\.\\.\\.|…")) {
                assertThat(sources).as("message of the troubleshooting table: " + message).contains(part.strip());
            }
        }
    }

    @Test
    void everyLinkOfTheReadmeAndTheDocsLeadsToAFileAndHeading() throws IOException {
        for (Path document : documents()) {
            Matcher link = LINK.matcher(read(document));
            while (link.find()) {
                String file = link.group(1);
                if (file.startsWith("http")) {
                    continue;
                }
                Path target = file.isEmpty() ? document : document.resolveSibling(file).normalize();
                assertThat(target).as(document + " links to " + link.group()).exists();
                if (link.group(2) != null) {
                    assertThat(anchors(target)).as(document + " links to " + link.group()).contains(link.group(2));
                }
            }
        }
    }

    @Test
    void noHistoryInTheReadmeTheDocsOrTheShippedFiles() throws IOException {
        Pattern history = Pattern.compile("(?i)\\bissue (#?\\d+|'s)|\\bthe issue\\b|\\brun \\d+\\b|\\bfloors?\\b"
                + "|tuning (done|round)|\\buntil \\d+ (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                + "|\\b\\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \\d{4}\\b");
        List<Path> shipped = Stream.concat(documents().stream(),
                Stream.of(Path.of("application.properties"), Path.of("routes"), Path.of("src/main"))
                        .flatMap(ReadmeTest::files)).toList();
        for (Path file : shipped) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                assertThat(history.matcher(lines.get(i)).find()).as(file + ":" + (i + 1) + " " + lines.get(i)).isFalse();
            }
        }
    }

    /** application.properties without Camel's own settings (camel.*), which Camel documents. */
    private static Map<String, String> shippedProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(reader);
        }
        Map<String, String> shipped = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().filter(name -> !name.startsWith("camel."))
                .forEach(name -> shipped.put(name, properties.getProperty(name).strip()));
        return shipped;
    }

    /** The rows of the section "Configure": property to its other cells. */
    private static Map<String, List<String>> configurationTable() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : section("## Configure").lines().toList()) {
            Matcher row = PROPERTY_ROW.matcher(line);
            if (row.matches()) {
                List<String> cells = Stream.of(row.group(2).split("(?<!\\\\)\\|")).map(String::strip).toList();
                assertThat(rows.put(row.group(1), cells)).as("row of " + row.group(1)).isNull();
            }
        }
        return rows;
    }

    /** "empty" or the first `value` of a default cell (a profile's value may follow in parentheses). */
    private static String defaultOf(String cell) {
        return cell.startsWith("empty") ? "" : firstCode(cell);
    }

    private static String firstCode(String cell) {
        Matcher code = CODE.matcher(cell);
        return code.find() ? code.group(1) : cell;
    }

    private static String section(String heading) throws IOException {
        String readme = read(README);
        int start = readme.indexOf("\n" + heading + "\n");
        assertThat(start).as("README section " + heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + heading.length() + 2);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<Path> documents() throws IOException {
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            return Stream.concat(Stream.of(README), docs.filter(path -> path.toString().endsWith(".md")).sorted()).toList();
        }
    }

    /** GitHub's anchors of a Markdown file's headings. */
    private static List<String> anchors(Path markdown) {
        return read(markdown).lines().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }

    private static Stream<Path> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(path -> path.toString().matches(".*\\.(java|ya?ml|properties|xml|cfg|md)$"))
                    .filter(path -> !path.toString().contains("wsdl")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
