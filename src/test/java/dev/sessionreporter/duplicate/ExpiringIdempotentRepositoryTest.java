package dev.sessionreporter.duplicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExpiringIdempotentRepositoryTest {
    private static final Duration WINDOW = Duration.ofSeconds(60);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ExpiringIdempotentRepository repository = new ExpiringIdempotentRepository(WINDOW, now::get);

    @Test
    void addsKeyOnceWithinTheWindow() {
        assertThat(repository.add("a")).isTrue();
        assertThat(repository.add("a")).isFalse();
        assertThat(repository.contains("a")).isTrue();
        assertThat(repository.add("b")).as("another key").isTrue();
    }

    @Test
    void keyIsNewAgainOnceTheWindowHasPassed() {
        repository.add("a");

        advance(WINDOW.minusMillis(1));
        assertThat(repository.add("a")).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(repository.contains("a")).isFalse();
        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void duplicateDoesNotExtendTheWindow() {
        repository.add("a");
        advance(Duration.ofSeconds(50));
        assertThat(repository.add("a")).isFalse();

        advance(Duration.ofSeconds(10));

        assertThat(repository.add("a")).as("60 s after the first add, not after the duplicate").isTrue();
    }

    @Test
    void removedKeyIsNewAgainAtOnce() {
        repository.add("a");

        assertThat(repository.remove("a")).isTrue();

        assertThat(repository.contains("a")).isFalse();
        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void purgesExpiredKeysOncePerWindow() {
        repository.add("a");
        repository.add("b");

        advance(WINDOW);
        repository.add("c");

        assertThat(repository.size()).isEqualTo(1);
    }

    @Test
    void zeroWindowKeepsNothingSoEveryKeyIsNew() {
        ExpiringIdempotentRepository disabled = new ExpiringIdempotentRepository(Duration.ZERO, now::get);

        assertThat(disabled.add("a")).isTrue();
        assertThat(disabled.add("a")).isTrue();
        assertThat(disabled.contains("a")).isFalse();
        assertThat(disabled.size()).isZero();
    }

    @Test
    void clearForgetsEveryKey() {
        repository.add("a");

        repository.clear();

        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void rejectsNegativeWindow() {
        assertThatThrownBy(() -> new ExpiringIdempotentRepository(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
