package dev.sessionreporter.duplicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TimerKeyMarkTest {
    private static final String SECRET = "TimerQ-5ecret-Unit-Kw7Pz3";
    private static final String KEY = "Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0";
    private static final long PERIOD = 60_000;
    private static final long NOW = 1_800_000_000_000L;

    private static TimerKeyMark at(long millis, String secret) {
        return new TimerKeyMark(secret, PERIOD, Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
    }

    @Test
    void aMarkVerifiesForItsKeyOnAnyInstanceWithTheSameSecretUntilOnePeriodAfterItsExpiry() {
        String mark = at(NOW, SECRET).markOf(KEY, NOW + PERIOD);

        assertThat(at(NOW, SECRET).verifies(mark, KEY)).isTrue();
        assertThat(at(NOW + 2 * PERIOD, SECRET).verifies(mark, KEY)).as("clocks a period apart").isTrue();
        assertThat(at(NOW + 2 * PERIOD + 1, SECRET).verifies(mark, KEY)).as("outdated").isFalse();
    }

    @Test
    void aMarkDoesNotVerifyForAnotherKeyAnotherSecretOrAnotherExpiry() {
        String mark = at(NOW, SECRET).markOf(KEY, NOW + PERIOD);
        String laterExpiry = (NOW + 10 * PERIOD) + mark.substring(mark.indexOf('.'));

        assertThat(at(NOW, SECRET).verifies(mark, KEY.toLowerCase())).as("copied onto another key").isFalse();
        assertThat(at(NOW, SECRET + "x").verifies(mark, KEY)).as("another deployment's secret").isFalse();
        assertThat(at(NOW, SECRET).verifies(laterExpiry, KEY)).as("expiry moved").isFalse();
        assertThat(at(NOW, "").verifies(mark, KEY)).as("no secret on this instance: nothing trusted").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "true", "TRUE", "1", ".", "1800000000000.", "1800000000000.!!!", "x.c2lnbmF0dXJl",
            "1800000000000.c2lnbmF0dXJl"})
    void aMarkASenderMadeUpDoesNotVerify(String mark) {
        assertThat(at(NOW, SECRET).verifies(mark, KEY)).isFalse();
    }
}
