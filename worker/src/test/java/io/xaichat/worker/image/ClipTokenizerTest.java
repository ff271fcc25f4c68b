package io.xaichat.worker.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.testkit.onnx.ClipTestVocab;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        tokenizer = ClipTokenizer.load(ClipTestVocab.write(dir, "red", "fox", "photos"));
    }

    @Test
    void knownPromptGivesTheRealSd15Ids() {
        ClipTokenizer.Tokens t = tokenizer.encode("a photo of a cat");
        assertThat(Arrays.copyOf(t.ids(), 7)).containsExactly(49406, 320, 1125, 539, 320, 2368, 49407);
        assertThat(t.length()).isEqualTo(7);
        assertThat(t.truncated()).isFalse();
    }

    @Test
    void padsWithTheEndTokenTo77() {
        int[] ids = tokenizer.encode("a cat").ids();
        assertThat(ids).hasSize(77);
        assertThat(Arrays.copyOfRange(ids, 0, 4)).containsExactly(49406, 320, 2368, 49407);
        assertThat(Arrays.copyOfRange(ids, 4, 77)).containsOnly(49407);
    }

    @Test
    void lowercasesAndCollapsesWhitespace() {
        assertThat(tokenizer.encode("  A\tPHOTO \n of   a Cat ").ids()).containsExactly(tokenizer.encode("a photo of a cat").ids());
    }

    @Test
    void unknownWordsAndPunctuationFallBackToByteSymbols() {
        // Byte-to-unicode order puts '!' (33) first, so a byte b in '!'..'~' has id b − 33, and b − 33 + 256 as
        // the end of a word: "zq" → 'z' (89), 'q</w>' (336); "!" → '!</w>' (256).
        int[] ids = tokenizer.encode("zq cat!").ids();
        assertThat(Arrays.copyOf(ids, 6)).containsExactly(49406, 89, 336, 2368, 256, 49407);
    }

    @Test
    void wordsSplitAtTheRegexBoundaries() {
        // "cat's" is the word "cat" and the contraction "'s"; digits are single tokens.
        int[] ids = tokenizer.encode("cat's 42").ids();
        int apostrophe = '\'' - 33;
        int s = 's' - 33 + 256;
        int four = '4' - 33 + 256;
        int two = '2' - 33 + 256;
        assertThat(Arrays.copyOf(ids, 7)).containsExactly(49406, 2368, apostrophe, s, four, two, 49407);
    }

    @Test
    void longPromptsAreTruncatedKeepingTheEndToken() {
        ClipTokenizer.Tokens t = tokenizer.encode("red fox ".repeat(60));
        assertThat(t.ids()).hasSize(77);
        assertThat(t.length()).isEqualTo(77);
        assertThat(t.truncated()).isTrue();
        assertThat(t.ids()[0]).isEqualTo(49406);
        assertThat(t.ids()[76]).isEqualTo(49407);
        assertThat(t.ids()[75]).isNotEqualTo(49407);
    }

    @Test
    void byteTableIsABijectionOntoPrintableCharacters() {
        String[] table = ClipTokenizer.byteToUnicode();
        assertThat(Arrays.stream(table).distinct().count()).isEqualTo(256);
        assertThat(table['a']).isEqualTo("a");
        assertThat(table[' ']).isEqualTo("\u0120"); // Ġ: space is byte 32, the 33rd non-printable
        assertThat(table[0]).isEqualTo("\u0100");
    }
}
