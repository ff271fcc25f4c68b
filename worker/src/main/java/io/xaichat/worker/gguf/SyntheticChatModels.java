package io.xaichat.worker.gguf;

import io.xaichat.worker.gguf.GgufWriter.TensorSource;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes random-weight GGUF chat models that llama.cpp loads (tests, benchmarks, and {@code xaichat local
 * --synthetic} where no real weights can be downloaded): a byte-level BPE vocabulary with the ChatML special
 * tokens and chat template, {@code <|im_end|>} as end of generation. Same spec → same bytes.
 */
public final class SyntheticChatModels {
    public static final String CHATML_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private SyntheticChatModels() {}

    public static Path write(ModelSpec spec, Path file) {
        try {
            writer(spec).write(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + file, e);
        }
    }

    static GgufWriter writer(ModelSpec spec) {
        String arch = spec.architecture();
        ByteLevelVocab vocab = new ByteLevelVocab(spec.vocabSize());
        GgufWriter w = new GgufWriter()
                .string("general.architecture", arch)
                .string("general.name", "synthetic-" + arch)
                .uint32("general.alignment", GgufWriter.ALIGNMENT)
                .uint32("general.file_type", spec.matrixType().fileType())
                .uint32(arch + ".context_length", spec.contextLength())
                .uint32(arch + ".embedding_length", spec.embedding())
                .uint32(arch + ".block_count", spec.layers())
                .uint32(arch + ".feed_forward_length", spec.feedForward())
                .uint32(arch + ".attention.head_count", spec.heads())
                .uint32(arch + ".attention.head_count_kv", spec.kvHeads())
                .float32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f)
                .float32(arch + ".rope.freq_base", 1_000_000f)
                .string("tokenizer.ggml.model", "gpt2")
                .string("tokenizer.ggml.pre", "qwen2")
                .strings("tokenizer.ggml.tokens", vocab.tokens)
                .int32s("tokenizer.ggml.token_type", vocab.typeArray())
                .strings("tokenizer.ggml.merges", vocab.merges)
                .uint32("tokenizer.ggml.bos_token_id", vocab.endOfText)
                .uint32("tokenizer.ggml.eos_token_id", vocab.imEnd)
                .uint32("tokenizer.ggml.padding_token_id", vocab.endOfText)
                .bool("tokenizer.ggml.add_bos_token", false)
                .string("tokenizer.chat_template", CHATML_TEMPLATE);
        if (arch.equals("qwen3")) {
            w.uint32(arch + ".attention.key_length", spec.headDim())
                    .uint32(arch + ".attention.value_length", spec.headDim());
        }

        Weights weights = new Weights(spec.seed());
        TensorType m = spec.matrixType();
        int e = spec.embedding(), kv = spec.kvWidth(), ff = spec.feedForward(), v = vocab.size();
        // Zero rows for the special tokens give them a logit of 0, rarely among the top ones: random weights then
        // seldom end a generation on their own, so limits and stop strings get exercised.
        Set<Integer> quiet = Set.of(vocab.endOfText, vocab.imStart, vocab.imEnd);
        w.tensor("token_embd.weight", m, weights.rows("token_embd.weight", 0.5f, e, quiet), e, v);
        for (int i = 0; i < spec.layers(); i++) {
            String b = "blk." + i + ".";
            w.tensor(b + "attn_norm.weight", TensorType.F32, Weights.ONES, e);
            w.tensor(b + "attn_q.weight", m, weights.random(b + "attn_q.weight", 0.4f), e, e);
            w.tensor(b + "attn_k.weight", m, weights.random(b + "attn_k.weight", 0.4f), e, kv);
            w.tensor(b + "attn_v.weight", m, weights.random(b + "attn_v.weight", 0.4f), e, kv);
            if (arch.equals("qwen2")) {
                w.tensor(b + "attn_q.bias", TensorType.F32, weights.random(b + "attn_q.bias", 0.02f), e);
                w.tensor(b + "attn_k.bias", TensorType.F32, weights.random(b + "attn_k.bias", 0.02f), kv);
                w.tensor(b + "attn_v.bias", TensorType.F32, weights.random(b + "attn_v.bias", 0.02f), kv);
            }
            if (arch.equals("qwen3")) {
                w.tensor(b + "attn_q_norm.weight", TensorType.F32, Weights.ONES, spec.headDim());
                w.tensor(b + "attn_k_norm.weight", TensorType.F32, Weights.ONES, spec.headDim());
            }
            w.tensor(b + "attn_output.weight", m, weights.random(b + "attn_output.weight", 0.4f), e, e);
            w.tensor(b + "ffn_norm.weight", TensorType.F32, Weights.ONES, e);
            w.tensor(b + "ffn_gate.weight", m, weights.random(b + "ffn_gate.weight", 0.4f), e, ff);
            w.tensor(b + "ffn_up.weight", m, weights.random(b + "ffn_up.weight", 0.4f), e, ff);
            w.tensor(b + "ffn_down.weight", m, weights.random(b + "ffn_down.weight", 0.4f), ff, e);
        }
        w.tensor("output_norm.weight", TensorType.F32, Weights.ONES, e);
        // qwen2 ties the output projection to the embedding (no output.weight), as Qwen2.5-1.5B does.
        if (!arch.equals("qwen2")) w.tensor("output.weight", m, weights.rows("output.weight", 0.5f, e, quiet), e, v);
        return w;
    }

    /** Uniform random weights, one independent stream per tensor so adding a tensor never shifts the others. */
    private record Weights(long seed) {
        static final TensorSource ONES = (chunk, n) -> java.util.Arrays.fill(chunk, 0, n, 1f);

        TensorSource random(String tensor, float amplitude) {
            return rows(tensor, amplitude, 1, Set.of());
        }

        /** Random rows of {@code rowLength} values, except {@code zeroRows}, which are all zero. */
        TensorSource rows(String tensor, float amplitude, int rowLength, Set<Integer> zeroRows) {
            SplittableRandom random = new SplittableRandom(seed * 31 + tensor.hashCode());
            long[] position = {0};
            return (chunk, n) -> {
                for (int i = 0; i < n; i++, position[0]++) {
                    float value = (random.nextFloat() * 2 - 1) * amplitude;
                    chunk[i] = !zeroRows.isEmpty() && zeroRows.contains((int) (position[0] / rowLength)) ? 0 : value;
                }
            };
        }
    }
}
