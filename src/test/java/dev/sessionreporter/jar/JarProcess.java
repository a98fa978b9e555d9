package dev.sessionreporter.jar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The packaged jar running as a separate process ({@code java -jar}) with its combined stdout and stderr collected
 * into a buffer by a reader thread.
 */
public final class JarProcess implements AutoCloseable {
    /** Inherited variables that would change the configuration under test (profile, SuperOffice, broker, ...). */
    private static final List<String> CLEARED_PREFIXES =
            List.of("CAMEL_", "SUPEROFFICE_", "SIMULATOR_", "BROKER_", "REPORTER_");

    private final String name;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private JarProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::readOutput, "jar-output-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code java -Xmx256m -XX:SharedArchiveFile=<jar>.jsa -jar jar args...} (the README's run command, heap
     * cap included; without the archive option when the build wrote none) in {@code workingDirectory} with the test
     * JVM's java, the inherited environment minus every variable that configures the reporter, plus
     * {@code environment}.
     */
    public static JarProcess start(String name, Path jar, Path workingDirectory, Map<String, String> environment,
            String... args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m"));
        Path archive = classDataArchiveOf(jar);
        if (Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> CLEARED_PREFIXES.stream().anyMatch(key::startsWith));
        builder.environment().putAll(environment);
        try {
            return new JarProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + builder.command(), e);
        }
    }

    /** The application class-data archive that the build writes next to the jar (README "Run"). */
    public static Path classDataArchiveOf(Path jar) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + ".jsa");
    }

    /** The same java as the test JVM. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void readOutput() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), Charset.defaultCharset()))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            output.append("[test: reading the output failed: ").append(e).append("]\n");
        }
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process has written so far. */
    public String output() {
        return output.toString();
    }

    public boolean outputContains(String text) {
        return output().contains(text);
    }

    /** True when one line of the output matches {@code regex} (searched, not matched whole). */
    public boolean outputHasLine(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return output().lines().anyMatch(line -> pattern.matcher(line).find());
    }

    /** Waits for the process to exit by itself and for the reader to drain its output; false on timeout. */
    public boolean waitForExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            reader.join(5_000);
        }
        return exited;
    }

    public int exitValue() {
        return process.exitValue();
    }

    /**
     * SIGTERM, as a service manager stops it. Sent through the {@link ProcessHandle}: {@code Process.destroy()} would
     * also close our end of the output pipe, and everything the process writes while it stops would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL ({@code kill -9}): the process ends at once, without any shutdown. Its output stays readable. */
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    /** Kills the process and everything it started, if still running. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The output framed for a failure report. */
    public String describe() {
        String state = process.isAlive() ? "still running" : "exit code " + process.exitValue();
        return "----- output of " + name + " (pid " + process.pid() + ", " + state + ") -----\n"
                + output() + "----- end of output of " + name + " -----";
    }
}
