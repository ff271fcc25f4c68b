package io.xaichat.worker.chat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Model architectures the bundled llama.cpp (build 4916 in java-llama.cpp 4.2.0) can run for chat. Taken from the
 * architecture names compiled into its native library, minus encoder-only and non-text ones. Newer architectures
 * (qwen3, gemma3n, llama4, ...) are missing: llama.cpp only prints the reason to native stderr, so we check first.
 */
public final class LlamaArchitectures {
    /** A model this build loads, named in refusals (the manifest's default, Qwen3-1.7B, is not one). */
    public static final String SUGGESTED_MODEL = "Qwen2.5-1.5B-Instruct Q4_K_M (qwen2.5-1.5b-instruct-q4_k_m.gguf, "
            + "`xaichat models pull chat --variant qwen2.5-1.5b-instruct:q4_k_m`)";

    public static final Set<String> SUPPORTED = Set.copyOf(new TreeSet<>(Set.of(
            "llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "baichuan", "starcoder", "refact",
            "bloom", "stablelm", "qwen2", "qwen2moe", "qwen2vl", "phi2", "phi3", "phimoe", "plamo", "codeshell",
            "orion", "internlm2", "minicpm", "minicpm3", "gemma", "gemma2", "gemma3", "starcoder2", "xverse",
            "command-r", "cohere2", "dbrx", "olmo", "olmo2", "olmoe", "openelm", "arctic", "deepseek2", "chatglm",
            "bitnet", "nemotron", "exaone", "granite", "granitemoe", "chameleon")));

    private LlamaArchitectures() {}

    /** @throws ModelLoadException naming the architecture, the file, the supported list and the default model */
    public static void check(String architecture, Path file) {
        if (SUPPORTED.contains(architecture)) return;
        throw new ModelLoadException("model " + file + " has architecture '" + architecture
                + "', which this llama.cpp build (java-llama.cpp 4.2.0, llama.cpp b4916) cannot load. Supported: "
                + String.join(", ", new TreeSet<>(SUPPORTED)) + ". Use a model it loads, e.g. " + SUGGESTED_MODEL + ".");
    }
}
