package dev.sessionreporter.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionKeyMaskTest {

    @Test
    void showsFirstFourCharactersAndAnEllipsisOfA32CharacterKey() {
        assertThat(SessionKeyMask.mask("Qv9LxT2mR7wK4pZs8nB3cY6dF1gH5jA0")).isEqualTo("Qv9L…");
    }

    @Test
    void showsFirstFourCharactersOfANineCharacterKey() {
        assertThat(SessionKeyMask.mask("abcdefghi")).isEqualTo("abcd…");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc", "abcd", "abcde", "abcdefgh"})
    void masksShortKeysCompletely(String key) {
        assertThat(SessionKeyMask.mask(key)).isEqualTo("…");
    }

    @Test
    void showsNoneForMissingKey() {
        assertThat(SessionKeyMask.mask(null)).isEqualTo("(none)");
    }

    @Test
    void showsNoneForEmptyKey() {
        assertThat(SessionKeyMask.mask("")).isEqualTo("(none)");
    }

    @Test
    void neverRevealsMoreThanFourCharacters() {
        String key = "k".repeat(256);

        assertThat(SessionKeyMask.mask(key)).isEqualTo("kkkk…").hasSize(5);
    }
}
