package io.xaichat.worker.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.testkit.onnx.TinyQwenVlModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void encodesBytesAndSpecialTokensAndDecodesBack() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        TinyQwenVlModels.writeTokenizer(file);
        try (HfTokenizer t = HfTokenizer.load(file)) {
            assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
            long imEnd = t.requireTokenId("<|im_end|>");
            assertThat(imEnd).isEqualTo(258);
            // Byte-level: "hé" is the bytes 68, C3, A9; the special token is one id.
            assertThat(t.encode("hé<|im_end|>")).containsExactly(0x68, 0xC3, 0xA9, imEnd);
            assertThat(t.decode(new long[] {0x68, 0xC3, 0xA9, imEnd})).isEqualTo("hé");
            assertThat(t.decode(new long[] {0x68, 0xC3})).isEqualTo("h\uFFFD");
            assertThat(t.specialTokenIn("a <|image_pad|> b")).isEqualTo("<|image_pad|>");
            assertThat(t.specialTokenIn("plain")).isNull();
            assertThat(new String(new byte[] {(byte) 0xC3, (byte) 0xA9}, StandardCharsets.UTF_8)).isEqualTo("é");
        }
    }

    /** DJL truncates at 512 tokens unless told not to; a byte-level tokenizer gives one id per byte here. */
    @Test
    void longTextsAreNotCutTo512Tokens() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        TinyQwenVlModels.writeTokenizer(file);
        String text = "word ".repeat(600) + "<|im_end|>";
        try (HfTokenizer t = HfTokenizer.load(file)) {
            long[] ids = t.encode(text);
            assertThat(ids).hasSize(5 * 600 + 1);
            assertThat(ids[ids.length - 1]).isEqualTo(t.requireTokenId("<|im_end|>"));
        }
    }
}
