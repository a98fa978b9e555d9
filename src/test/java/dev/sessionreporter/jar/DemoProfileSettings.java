package dev.sessionreporter.jar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/** The demo profile's settings ({@code application-demo.properties}) as packaged in the jar under test. */
public final class DemoProfileSettings {
    private final Properties properties;

    private DemoProfileSettings(Properties properties) {
        this.properties = properties;
    }

    public static DemoProfileSettings readFrom(Path jar) {
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            ZipEntry entry = jarFile.getEntry("application-demo.properties");
            if (entry == null) {
                throw new IllegalStateException(jar + " contains no application-demo.properties");
            }
            Properties properties = new Properties();
            try (InputStream in = jarFile.getInputStream(entry)) {
                properties.load(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            }
            return new DemoProfileSettings(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String applicationToken() {
        return required("superoffice.application-token");
    }

    public String ticket() {
        return required("superoffice.ticket");
    }

    /** simulator.sessions: session key to login id, in file order. */
    public Map<String, Integer> simulatorSessions() {
        Map<String, Integer> sessions = new LinkedHashMap<>();
        for (String session : required("simulator.sessions").split(",")) {
            String[] keyAndLogin = session.strip().split("=", 2);
            if (keyAndLogin.length == 2) {
                sessions.put(keyAndLogin[0].strip(), Integer.parseInt(keyAndLogin[1].strip()));
            }
        }
        return sessions;
    }

    /** reporter.timer.session-keys: the keys reported on every tick. */
    public List<String> timerSessionKeys() {
        return Arrays.stream(required("reporter.timer.session-keys").split(","))
                .map(String::strip)
                .filter(key -> !key.isEmpty())
                .toList();
    }

    /** The key the simulator knows for {@code loginId}. */
    public String sessionKeyOf(int loginId) {
        return simulatorSessions().entrySet().stream()
                .filter(session -> session.getValue() == loginId)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("simulator.sessions has no session for login " + loginId
                        + ": " + properties.getProperty("simulator.sessions")));
    }

    private String required(String name) {
        String value = properties.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("application-demo.properties in the jar does not set " + name);
        }
        return value.strip();
    }
}
