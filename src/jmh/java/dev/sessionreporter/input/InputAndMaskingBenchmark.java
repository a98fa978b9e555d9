package dev.sessionreporter.input;

import dev.sessionreporter.MicroBenchmark;
import dev.sessionreporter.secret.SecretRedactor;
import dev.sessionreporter.secret.SessionKeyMask;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Per-message input work of our own: reading and validating a session key from a trigger message (bare text, UTF-8
 * bytes, JSON) and masking it for the logs. Run with {@code mvn -B -Pjmh verify} (README "Benchmark").
 */
public class InputAndMaskingBenchmark extends MicroBenchmark {
    private static final String KEY = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6";

    private final SessionKeyInput input = new SessionKeyInput();
    private final SecretRedactor redactor = new SecretRedactor("app-token-0123456789", "7T:ticket-0123456789");
    private final String text = KEY;
    private final byte[] bytes = KEY.getBytes(StandardCharsets.UTF_8);
    private final String json = "{\"sessionKey\":\"" + KEY + "\"}";
    private final String detail = "Succeeded=false: SoException: session " + KEY + " not valid for 7T:ticket-0123456789";

    @Benchmark
    public String validateTextKey() {
        return input.sessionKeyOf(text);
    }

    @Benchmark
    public String validateBytesKey() {
        return input.sessionKeyOf(bytes);
    }

    @Benchmark
    public String validateJsonKey() {
        return input.sessionKeyOf(json);
    }

    @Benchmark
    public String maskKey() {
        return SessionKeyMask.mask(text);
    }

    @Benchmark
    public String redactFailureDetail() {
        return redactor.redact(detail, KEY);
    }
}
