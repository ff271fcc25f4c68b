package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.worker.gguf.ModelSpec;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufHeaderTest {
    @TempDir
    Path dir;

    @Test
    void readsTheMetadataOfAWrittenModel() {
        GgufHeader header = GgufHeader.read(TinyGgufModels.qwen2(dir));
        ModelSpec spec = ModelSpec.tiny("qwen2");

        assertThat(header.version()).isEqualTo(3);
        assertThat(header.architecture()).isEqualTo("qwen2");
        assertThat(header.contextLength()).contains((long) spec.contextLength());
        assertThat(header.integer("qwen2.attention.head_count_kv")).contains((long) spec.kvHeads());
        assertThat(header.string("tokenizer.ggml.model")).contains("gpt2");
        assertThat(header.bool("tokenizer.ggml.add_bos_token")).contains(false);
        assertThat(header.value("qwen2.attention.layer_norm_rms_epsilon")).get()
                .isInstanceOfSatisfying(Double.class, eps -> assertThat(eps).isCloseTo(1e-6, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(header.value("tokenizer.ggml.tokens")).get()
                .isInstanceOfSatisfying(List.class, tokens -> assertThat(tokens).hasSize(spec.vocabSize())
                        .contains("<|im_start|>", "<|im_end|>", "<|endoftext|>"));
        // 2 layers × 12 tensors (9 weights + 3 qwen2 biases), embedding, output norm; no output.weight (tied).
        assertThat(header.tensorCount()).isEqualTo(2 * 12 + 2);
    }

    @Test
    void tellsTheArchitectureOfEachTinyModel() {
        assertThat(GgufHeader.read(TinyGgufModels.llama(dir)).architecture()).isEqualTo("llama");
        assertThat(GgufHeader.read(TinyGgufModels.qwen3(dir)).architecture()).isEqualTo("qwen3");
    }

    @Test
    void refusesAFileThatIsNotGguf() throws IOException {
        Path zip = Files.write(dir.resolve("model.gguf"), new byte[] {'P', 'K', 3, 4, 20, 0});

        assertThatThrownBy(() -> GgufHeader.read(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(zip.toString())
                .hasMessageContaining("is not a GGUF file: it starts with bytes 50 4B 03 04")
                .hasMessageContaining("Qwen2.5-1.5B-Instruct Q4_K_M");
    }

    @Test
    void refusesEmptyMissingAndTruncatedFiles() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        byte[] model = Files.readAllBytes(TinyGgufModels.qwen2(dir));
        Path truncated = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(model, 200));

        assertThatThrownBy(() -> GgufHeader.read(empty)).hasMessageContaining("is not a GGUF file: it is empty");
        assertThatThrownBy(() -> GgufHeader.read(dir.resolve("absent.gguf")))
                .hasMessageContaining("model file not found").hasMessageContaining("absent.gguf");
        assertThatThrownBy(() -> GgufHeader.read(truncated)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cut.gguf is truncated");
    }

    @Test
    void refusesAbsurdLengthsInsteadOfAllocatingThem() throws IOException {
        byte[] header = new byte[24];
        System.arraycopy("GGUF".getBytes(), 0, header, 0, 4);
        header[4] = 3;                                 // version 3
        Arrays.fill(header, 16, 24, (byte) 0x7f);      // key/value count far beyond the file size
        Path corrupt = Files.write(dir.resolve("corrupt.gguf"), header);

        assertThatThrownBy(() -> GgufHeader.read(corrupt)).hasMessageContaining("corrupt")
                .hasMessageContaining("exceeds the file size 24");
    }

    @Test
    void unsupportedArchitectureMessageNamesItTheFileAndTheAlternatives() {
        assertThatThrownBy(() -> LlamaArchitectures.check("qwen3", Path.of("/models/q3.gguf")))
                .hasMessageContaining("'qwen3'").hasMessageContaining("/models/q3.gguf")
                .hasMessageContaining("gemma3").hasMessageContaining("qwen2vl").hasMessageContaining("phi3");
    }
}
