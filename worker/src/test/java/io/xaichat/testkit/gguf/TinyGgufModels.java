package io.xaichat.testkit.gguf;

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

    /** An architecture this llama.cpp build cannot load: for the refusal path. */
    public static Path qwen3(Path dir) {
        return write(ModelSpec.tiny("qwen3"), dir.resolve("tiny-qwen3-f16.gguf"));
    }

    public static Path write(ModelSpec spec, Path file) {
        return SyntheticChatModels.write(spec, file);
    }
}
