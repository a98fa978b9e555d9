package dev.sessionreporter.jar;

import dev.sessionreporter.support.FreePort;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the jar processes of a test, kills whatever is left ({@link #destroyAll()}, from {@code @AfterEach}) and
 * prints their captured output when the test failed. Register with {@code @RegisterExtension}.
 */
public final class JarProcesses implements TestWatcher {
    private final Path jar;
    private final Path workingDirectory;
    private final List<JarProcess> started = new CopyOnWriteArrayList<>();
    private final List<JarProcess> ofLastTest = new CopyOnWriteArrayList<>();

    public JarProcesses(Path jar, Path workingDirectory) {
        this.jar = jar;
        this.workingDirectory = workingDirectory;
    }

    public Path jar() {
        return jar;
    }

    /**
     * Starts the jar. Unless {@code environment} says otherwise, its management server (health, metrics) gets a free
     * port, so that no jar depends on the default port 9876 being free.
     */
    public JarProcess start(String name, Map<String, String> environment, String... args) {
        return startIn(workingDirectory, name, environment, args);
    }

    /** {@link #start} in another working directory (where ./application.properties, ./routes and ./data are). */
    public JarProcess startIn(Path directory, String name, Map<String, String> environment, String... args) {
        Map<String, String> withPort = new HashMap<>(environment);
        withPort.putIfAbsent("REPORTER_MANAGEMENT_PORT", Integer.toString(FreePort.find()));
        JarProcess process = JarProcess.start(name, jar, directory, withPort, args);
        started.add(process);
        ofLastTest.add(process);
        return process;
    }

    /** Kills every process still running (destroyForcibly). */
    public void destroyAll() {
        started.forEach(JarProcess::close);
        started.clear();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.out.println("Test " + context.getDisplayName() + " failed: " + cause);
        ofLastTest.forEach(process -> System.out.println(process.describe()));
        ofLastTest.clear();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        ofLastTest.clear();
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        ofLastTest.clear();
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        ofLastTest.clear();
    }
}
