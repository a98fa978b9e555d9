package dev.sessionreporter.karaf;

import dev.sessionreporter.support.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A stock Apache Karaf, unpacked by the build under {@code target/}, run as its own process on loopback: a fresh copy
 * of the distribution, free ports for SSH and RMI, the {@code karaf} user for {@code bin/client}, and Maven URLs
 * resolved only from a file repository under {@code target/} (no remote repository, not ~/.m2). Started with
 * {@code bin/karaf server} (exec'ed, so the process is Karaf's JVM) and stopped by its PID.
 */
public final class KarafContainer implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final Path home;
    private final Path repository;
    private final Path javaHome = Path.of(System.getProperty("java.home"));
    private Process process;

    private KarafContainer(Path home, Path repository) {
        this.home = home;
        this.repository = repository;
        // Never outlive the test JVM, whatever happens to the test.
        Runtime.getRuntime().addShutdownHook(new Thread(this::killIfAlive, "karaf-reaper"));
    }

    /** Copies the unpacked distribution to {@code workDir/karaf} and sets it up; {@code workDir} is emptied first. */
    public static KarafContainer prepare(Path distribution, Path workDir) throws IOException {
        deleteRecursively(workDir);
        Path home = workDir.resolve("karaf");
        copyRecursively(distribution, home);
        Path repository = workDir.resolve("repository");
        Files.createDirectories(repository);
        KarafContainer karaf = new KarafContainer(home, repository);
        karaf.configure(workDir.resolve("local-repository"));
        return karaf;
    }

    private void configure(Path emptyLocalRepository) throws IOException {
        Path etc = etc();
        replaceLine(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", "sshPort = " + FreePort.find());
        replaceLine(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", "sshHost = 127.0.0.1");
        replaceLine(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", "rmiRegistryPort = " + FreePort.find());
        replaceLine(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", "rmiServerPort = " + FreePort.find());
        // 4.4 ships the karaf user commented out; bin/client needs it
        Path users = etc.resolve("users.properties");
        Files.writeString(users, Files.readString(users)
                .replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
                .replace("#_g_\\:admingroup", "_g_\\:admingroup"));
        // Karaf's own system folder plus our file repository; nothing remote, and an empty local repository so that
        // an artifact installed in ~/.m2 by an earlier build cannot stand in for the one under test.
        Files.writeString(etc.resolve("org.ops4j.pax.url.mvn.cfg"), String.join("\n",
                "org.ops4j.pax.url.mvn.useFallbackRepositories = false",
                "org.ops4j.pax.url.mvn.localRepository = " + emptyLocalRepository,
                "org.ops4j.pax.url.mvn.defaultRepositories = ${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                        + repository.toUri() + "@id=under-test@snapshots",
                "org.ops4j.pax.url.mvn.repositories =",
                ""));
    }

    /** Puts {@code file} into the file repository as {@code groupId:artifactId:version:type:classifier}. */
    public void publish(String groupId, String artifactId, String version, String type, String classifier, Path file)
            throws IOException {
        Path folder = repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version);
        Files.createDirectories(folder);
        Files.copy(file, folder.resolve(artifactId + "-" + version + "-" + classifier + "." + type),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Starts Karaf with these extra environment variables and waits until its boot features are installed. */
    public void start(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        // exec: the started process is Karaf's JVM itself, so its PID is Karaf's
        builder.environment().put("KARAF_EXEC", "exec");
        // two cores shared with other builds: the C1 compiler alone starts faster
        builder.environment().put("EXTRA_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        process = builder.start();
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (!bootFinished()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + process.exitValue() + ", see " + home.resolve("console.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Karaf did not finish booting within " + BOOT_TIMEOUT + ", see " + log());
            }
            Thread.sleep(200);
        }
    }

    private boolean bootFinished() throws IOException {
        // the last line of the boot features' installation
        return logText().lines().anyMatch(line -> line.contains("FeaturesServiceImpl") && line.endsWith("| Done."));
    }

    /** Runs shell commands through {@code bin/client} (no TTY, batch mode) and returns what they printed. */
    public String shell(String... commands) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(),
                "-u", "karaf", "-p", "karaf", "-r", "10", "-d", "2", "-b")
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        byte[] output = client.getInputStream().readAllBytes();
        if (!client.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("bin/client did not finish: " + List.of(commands));
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (client.exitValue() != 0 || text.contains("Error executing command")) {
            throw new IllegalStateException("Karaf shell " + List.of(commands) + " failed (exit " + client.exitValue() + "): " + text);
        }
        return text;
    }

    /** The names of all threads of Karaf's JVM now ({@code jcmd <pid> Thread.print}). */
    public List<String> threadNames() throws IOException, InterruptedException {
        return jcmd("Thread.print").lines().filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, line.indexOf('"', 1)))
                .toList();
    }

    /**
     * How many objects of class {@code className} (of any class loader) Karaf's JVM holds after a full garbage
     * collection: {@code jcmd <pid> GC.class_histogram} collects first, so only objects something still refers to count.
     */
    public long liveInstances(String className) throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        // "   7:     12     3456  org.apache.camel.impl.DefaultCamelContext" (a module in parentheses may follow)
        return histogram.lines().map(String::trim).map(line -> line.split("\\s+"))
                .filter(columns -> columns.length >= 4 && columns[0].endsWith(":") && columns[3].equals(className))
                .mapToLong(columns -> Long.parseLong(columns[1]))
                .sum();
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaHome.resolve("bin/jcmd").toString(), Long.toString(pid()), command)
                .redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path etc() {
        return home.resolve("etc");
    }

    public Path log() {
        return home.resolve("data/log/karaf.log");
    }

    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log()) : "";
    }

    /** Stops Karaf by its PID (SIGTERM: Karaf's own orderly shutdown), killing it if it does not end in time. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void killIfAlive() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static void replaceLine(Path file, String key, String line) throws IOException {
        List<String> lines = Files.readAllLines(file).stream()
                .map(existing -> existing.matches("\\s*" + key + "\\s*=.*") ? line : existing)
                .toList();
        if (!lines.contains(line)) {
            throw new IllegalStateException(key + " not found in " + file);
        }
        Files.write(file, lines);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
