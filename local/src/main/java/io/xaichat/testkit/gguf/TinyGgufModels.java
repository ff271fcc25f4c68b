package io.xaichat.testkit.gguf;

import io.xaichat.worker.gguf.GgufWriter.TensorType;
import io.xaichat.worker.gguf.ModelSpec;
import io.xaichat.worker.gguf.SyntheticChatModels;
import java.nio.file.Path;

/** Tiny random-weight chat models for tests: a few hundred KB, loaded in milliseconds. */
public final class TinyGgufModels {
    private TinyGgufModels() {}

    public static Path llama(Path dir) {
        return write(ModelSpec.tiny("llama"), dir.resolve("tiny-llama-f16.gguf"));
    }

    public static Path qwen2(Path dir) {
        return write(ModelSpec.tiny("qwen2"), dir.resolve("tiny-qwen2-f16.gguf"));
    }

    /**
     * Qwen3's architecture (q/k norms, no q/k/v biases), its chat template and {@code <think>} tokens. The current
     * llama.cpp loads it; java-llama.cpp 4.2.0 (llama.cpp b4916) cannot, which its refusal test uses.
     */
    public static Path qwen3(Path dir) {
        return write(ModelSpec.tiny("qwen3"), dir.resolve("tiny-qwen3-f16.gguf"));
    }

    /** An architecture no llama.cpp knows (a real one's tensors, another name): for the refusal path. */
    public static Path unknownArchitecture(Path dir) {
        return write(new ModelSpec("xaichat-unknown", 64, 2, 4, 2, 128, 288, 2048, TensorType.F16, 42),
                dir.resolve("tiny-unknown-f16.gguf"));
    }

    public static Path write(ModelSpec spec, Path file) {
        return SyntheticChatModels.write(spec, file);
    }
}
