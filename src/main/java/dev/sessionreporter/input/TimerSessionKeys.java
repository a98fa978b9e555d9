package dev.sessionreporter.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session keys the timer reports on every tick: the configured list plus, optionally, a file with one key per line
 * that is read again on every tick, so operators change the set without a restart. Blank lines and lines starting with
 * {@code #} are skipped; a key listed twice is reported once per tick.
 */
public class TimerSessionKeys {
    private static final Logger LOG = LoggerFactory.getLogger(TimerSessionKeys.class);

    private final List<String> configuredKeys;
    private final Path keysFile;
    private final AtomicReference<String> lastFileProblem = new AtomicReference<>();

    public TimerSessionKeys(String commaSeparatedKeys, String keysFile) {
        this.configuredKeys = commaSeparatedKeys == null ? List.of()
                : Arrays.stream(commaSeparatedKeys.split(",")).map(String::strip).filter(k -> !k.isEmpty()).toList();
        this.keysFile = keysFile == null || keysFile.isBlank() ? null : Path.of(keysFile.strip());
    }

    /** The keys to report on this tick, in order, without duplicates. */
    public List<String> currentKeys() {
        Set<String> keys = new LinkedHashSet<>(configuredKeys);
        keys.addAll(keysFromFile());
        return new ArrayList<>(keys);
    }

    private List<String> keysFromFile() {
        if (keysFile == null) {
            return List.of();
        }
        try {
            List<String> keys = Files.readAllLines(keysFile, StandardCharsets.UTF_8).stream()
                    .map(line -> line.replace("\uFEFF", "").strip()) // editors may save a byte-order mark
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            if (lastFileProblem.getAndSet(null) != null) {
                LOG.info("Session key file {} is readable again ({} keys)", keysFile, keys.size());
            }
            return keys;
        } catch (NoSuchFileException e) {
            reportFileProblem("does not exist");
        } catch (IOException | RuntimeException e) {
            // MalformedInputException and friends: the file is not UTF-8 text
            reportFileProblem("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return List.of();
    }

    /** Logs a file problem once, not on every tick, until the file becomes readable again. */
    private void reportFileProblem(String problem) {
        if (!problem.equals(lastFileProblem.getAndSet(problem))) {
            LOG.warn("Session key file {} {}; reporting only the {} keys of reporter.timer.session-keys until it can be read",
                    keysFile, problem, configuredKeys.size());
        }
    }
}
