package dev.sessionreporter.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TimerSessionKeysTest {

    @TempDir
    Path dir;

    @Test
    void parsesCommaListStrippingSpacesAndSkippingEmptyEntries() {
        TimerSessionKeys keys = new TimerSessionKeys(" key1 , key2,,key3 , ,\tkey4\t,", null);

        assertThat(keys.currentKeys()).containsExactly("key1", "key2", "key3", "key4");
    }

    @Test
    void parsesSingleKeyWithoutComma() {
        assertThat(new TimerSessionKeys("onlyKey", null).currentKeys()).containsExactly("onlyKey");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", ",", " , ,, "})
    void yieldsNoKeysForEmptyListAndNoFile(String list) {
        assertThat(new TimerSessionKeys(list, null).currentKeys()).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void treatsBlankFilePathAsNoFile(String file) {
        assertThat(new TimerSessionKeys("a,b", file).currentKeys()).containsExactly("a", "b");
    }

    @Test
    void removesDuplicatesWithinTheListKeepingFirstOccurrence() {
        assertThat(new TimerSessionKeys("b,a,b, a ,c", null).currentKeys()).containsExactly("b", "a", "c");
    }

    @Test
    void readsFileSkippingBlankLinesAndComments() throws IOException {
        Path file = write("keys.txt", """
                # session keys reported by the timer
                fileKey1

                   \t
                  fileKey2 \s
                  # an indented comment
                #fileKeyCommentedOut
                fileKey3
                """);

        assertThat(new TimerSessionKeys(null, file.toString()).currentKeys())
                .containsExactly("fileKey1", "fileKey2", "fileKey3");
    }

    @Test
    void readsFileWithWindowsLineEndings() throws IOException {
        Path file = write("keys.txt", "# comment\r\nfileKey1\r\n\r\nfileKey2\r\n");

        assertThat(new TimerSessionKeys(null, file.toString()).currentKeys()).containsExactly("fileKey1", "fileKey2");
    }

    @Test
    void readsFileWithoutTrailingNewline() throws IOException {
        Path file = write("keys.txt", "fileKey1\nfileKey2");

        assertThat(new TimerSessionKeys(null, file.toString()).currentKeys()).containsExactly("fileKey1", "fileKey2");
    }

    @Test
    void stripsWhitespaceAroundFilePath() throws IOException {
        Path file = write("keys.txt", "fileKey1\n");

        assertThat(new TimerSessionKeys(null, "  " + file + " \n").currentKeys()).containsExactly("fileKey1");
    }

    @Test
    void listsConfiguredKeysBeforeFileKeys() throws IOException {
        Path file = write("keys.txt", "fileKey1\nfileKey2\n");

        assertThat(new TimerSessionKeys("listKey1,listKey2", file.toString()).currentKeys())
                .containsExactly("listKey1", "listKey2", "fileKey1", "fileKey2");
    }

    @Test
    void removesDuplicatesAcrossListAndFileKeepingOrder() throws IOException {
        Path file = write("keys.txt", "c\nb\n# a\nd\nc\na\n");

        assertThat(new TimerSessionKeys("a, b ,a", file.toString()).currentKeys()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void rereadsFileOnEveryCall() throws IOException {
        Path file = write("keys.txt", "first\n");
        TimerSessionKeys keys = new TimerSessionKeys("listKey", file.toString());

        assertThat(keys.currentKeys()).containsExactly("listKey", "first");

        Files.writeString(file, "second\nthird\n", StandardCharsets.UTF_8);
        assertThat(keys.currentKeys()).containsExactly("listKey", "second", "third");

        Files.writeString(file, "# all commented out\n", StandardCharsets.UTF_8);
        assertThat(keys.currentKeys()).containsExactly("listKey");

        Files.writeString(file, "listKey\nfourth\n", StandardCharsets.UTF_8);
        assertThat(keys.currentKeys()).containsExactly("listKey", "fourth");
    }

    @Test
    void returnsOnlyListKeysWhenFileIsMissing() {
        TimerSessionKeys keys = new TimerSessionKeys("a,b", dir.resolve("does-not-exist.txt").toString());

        assertThat(keys.currentKeys()).containsExactly("a", "b");
        assertThat(keys.currentKeys()).containsExactly("a", "b");
    }

    @Test
    void returnsNoKeysWhenFileIsMissingAndListIsEmpty() {
        assertThat(new TimerSessionKeys("", dir.resolve("missing/keys.txt").toString()).currentKeys()).isEmpty();
    }

    @Test
    void picksUpFileThatAppearsLater() throws IOException {
        Path file = dir.resolve("later.txt");
        TimerSessionKeys keys = new TimerSessionKeys("a", file.toString());
        assertThat(keys.currentKeys()).containsExactly("a");

        Files.writeString(file, "b\nc\n", StandardCharsets.UTF_8);

        assertThat(keys.currentKeys()).containsExactly("a", "b", "c");
    }

    @Test
    void fallsBackToListKeysWhenFileDisappearsAndRecoversWhenItReturns() throws IOException {
        Path file = write("keys.txt", "b\n");
        TimerSessionKeys keys = new TimerSessionKeys("a", file.toString());
        assertThat(keys.currentKeys()).containsExactly("a", "b");

        Files.delete(file);
        assertThat(keys.currentKeys()).containsExactly("a");
        assertThat(keys.currentKeys()).containsExactly("a");

        Files.writeString(file, "c\n", StandardCharsets.UTF_8);
        assertThat(keys.currentKeys()).containsExactly("a", "c");
    }

    @Test
    void ignoresUtf8ByteOrderMarkAtStartOfFile() throws IOException {
        Path file = write("keys.txt", "\uFEFFfileKey1\nfileKey2\n");

        assertThat(new TimerSessionKeys(null, file.toString()).currentKeys()).containsExactly("fileKey1", "fileKey2");
    }

    @Test
    void returnsOnlyListKeysWhenFileIsNotUtf8() throws IOException {
        Path file = dir.resolve("binary.txt");
        Files.write(file, new byte[] {'k', 'e', 'y', (byte) 0xFF, (byte) 0xFE, '\n'});

        assertThat(new TimerSessionKeys("a", file.toString()).currentKeys()).containsExactly("a");
    }

    @Test
    void returnsOnlyListKeysWhenFilePathIsADirectory() {
        assertThat(new TimerSessionKeys("a", dir.toString()).currentKeys()).containsExactly("a");
    }

    @Test
    void returnsAFreshListOnEveryCall() {
        TimerSessionKeys keys = new TimerSessionKeys("a,b", null);

        keys.currentKeys().clear();

        assertThat(keys.currentKeys()).containsExactly("a", "b");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
