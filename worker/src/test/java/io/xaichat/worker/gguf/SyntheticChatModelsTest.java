package io.xaichat.worker.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.chat.GgufHeader;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticChatModelsTest {
    @TempDir
    Path dir;

    @Test
    void qwen3HasQkNormsNoBiasesHeadDimKeysThinkTokensAndItsTemplate() {
        GgufHeader header = GgufHeader.read(TinyGgufModels.qwen3(dir));
        ModelSpec spec = ModelSpec.tiny("qwen3");

        assertThat(header.architecture()).isEqualTo("qwen3");
        assertThat(header.integer("qwen3.attention.key_length")).contains((long) spec.headDim());
        assertThat(header.integer("qwen3.attention.value_length")).contains((long) spec.headDim());
        // 2 layers × 11 tensors (7 matrices, 2 norms, q and k norms; no biases), embedding, output norm; tied output.
        assertThat(header.tensorCount()).isEqualTo(2 * 11 + 2);
        List<?> tokens = (List<?>) header.value("tokenizer.ggml.tokens").orElseThrow();
        int[] types = header.value("tokenizer.ggml.token_type").map(SyntheticChatModelsTest::ints).orElseThrow();
        int think = tokens.indexOf("<think>"), endThink = tokens.indexOf("</think>");
        assertThat(think).isPositive();
        assertThat(endThink).isEqualTo(think + 1);
        // Qwen3's tokenizer_config marks them "special": false: user-defined, rendered as text.
        assertThat(types[think]).isEqualTo(4);
        assertThat(types[endThink]).isEqualTo(4);
        assertThat(types[tokens.indexOf("<|im_end|>")]).isEqualTo(3);
        assertThat(header.integer("tokenizer.ggml.eos_token_id")).contains((long) tokens.indexOf("<|im_end|>"));
        assertThat(header.string("tokenizer.chat_template")).get().asString()
                .contains("enable_thinking is false", "'<think>\\n\\n</think>\\n\\n'", "reasoning_content",
                        "<|im_start|>assistant\\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void qwen2HasNoThinkTokensAndTheChatmlTemplate() {
        GgufHeader header = GgufHeader.read(TinyGgufModels.qwen2(dir));

        assertThat((List<Object>) header.value("tokenizer.ggml.tokens").orElseThrow())
                .doesNotContain("<think>", "</think>").contains("<|im_start|>");
        assertThat(header.string("tokenizer.chat_template")).contains(SyntheticChatModels.CHATML_TEMPLATE);
    }

    @Test
    void weightsAreNormalWithRealModelScaleAndNormsAreOne() throws IOException {
        // A llama model with F32 matrices ends with output.weight (64 × 288 floats, no padding needed).
        ModelSpec real = new ModelSpec("llama", 64, 2, 4, 2, 128, 288, 2048, TensorType.F32, 42);
        assertThat(real.weightStd()).isEqualTo(0.02f);
        Path llama = SyntheticChatModels.write(real, dir.resolve("f32.gguf"));
        float[] output = tail(llama, 64 * 288);
        double sum = 0, squares = 0, max = 0;
        int n = 0;
        for (float v : output) {
            if (v == 0) continue; // the rows of the special tokens and the non-text bytes
            sum += v;
            squares += (double) v * v;
            max = Math.max(max, Math.abs(v));
            n++;
        }
        double mean = sum / n, std = Math.sqrt(squares / n - mean * mean);
        assertThat(n).isEqualTo(64 * (288 - 3 - (32 - 1) - (256 - 0x7f)));
        assertThat(mean).isCloseTo(0, Offset.offset(0.001));
        assertThat(std).isCloseTo(0.02, Offset.offset(0.001));
        // Normal, not uniform: a uniform distribution of std 0.02 never exceeds 0.035 (√3 σ); a normal one does.
        assertThat(max).isGreaterThan(0.07);

        // qwen3 (tied embedding) ends with output_norm.weight: all ones.
        Path qwen3 = SyntheticChatModels.write(ModelSpec.tiny("qwen3").withMatrixType(TensorType.F32),
                dir.resolve("q3.gguf"));
        assertThat(tail(qwen3, 64)).containsOnly(1f);
    }

    @Test
    void fullSizeSpecsHaveThePublishedDimensions() {
        ModelSpec qwen3 = ModelSpec.qwen3_1_7b(TensorType.Q4_0);
        assertThat(qwen3.weightStd()).isEqualTo(0.02f);
        assertThat(ModelSpec.qwen25_1_5b(TensorType.Q4_0).weightStd()).isEqualTo(0.02f);
        assertThat(List.of(qwen3.architecture(), qwen3.embedding(), qwen3.layers(), qwen3.heads(), qwen3.kvHeads(),
                qwen3.headDim(), qwen3.feedForward(), qwen3.vocabSize()))
                .containsExactly("qwen3", 2048, 28, 16, 8, 128, 6144, 151_936);
        ModelSpec qwen25 = ModelSpec.qwen25_1_5b(TensorType.Q8_0);
        assertThat(List.of(qwen25.embedding(), qwen25.layers(), qwen25.heads(), qwen25.kvHeads(), qwen25.headDim()))
                .containsExactly(1536, 28, 12, 2, 128);
    }

    private static float[] tail(Path file, int floats) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes, bytes.length - floats * 4, floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[floats];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static int[] ints(Object value) {
        if (value instanceof int[] a) return a;
        List<?> list = (List<?>) value;
        return list.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
