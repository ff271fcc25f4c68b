package io.xaichat.worker.chat;

import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.cpu.ThreadAffinity;
import io.xaichat.worker.cpu.CpuTopology;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the chat engine.
 *
 * @param model the GGUF file
 * @param modelId id reported in results; null → the file name without {@code .gguf}, lower-cased
 * @param threads generation threads (≥ 1); {@link #defaults} uses the physical cores behind {@code cpus}
 * @param cpus CPUs to pin llama.cpp's threads to (strict placement); empty for no pinning. Needs ≥ threads CPUs.
 * @param contextLength tokens of context (prompt + completion), default 4096
 * @param batchSize prompt tokens evaluated per batch, default 512
 * @param defaultMaxTokens completion limit when a request has no max_tokens, default 512
 * @param maxPromptTokens longest prompt accepted; 0 → the context length − 1 (room for one generated token)
 * @param engine which llama.cpp serves the model
 * @param slots llama-cpp engine: sequences decoded together (each with its own context of contextLength tokens)
 * @param nativeDir llama-cpp engine: directory of llama.cpp's libraries; null → the copy bundled in the jar
 */
public record ChatEngineConfig(Path model, String modelId, int threads, CpuSet cpus, int contextLength,
                               int batchSize, int defaultMaxTokens, int maxPromptTokens, ChatEngineKind engine,
                               int slots, Path nativeDir) {
    public static final int DEFAULT_CONTEXT = 4096;
    /**
     * On an idle 2-core machine 4 sequences in one batch decode ~1.46 × the tokens per second of one (FIELD-NOTES;
     * the bench's figure 7 could not confirm it on a shared machine, see BENCHMARKS.md).
     */
    public static final int DEFAULT_SLOTS = 4;
    public static final int MAX_SLOTS = 64;
    public static final int DEFAULT_BATCH = 512;
    public static final int DEFAULT_MAX_TOKENS = 512;

    public ChatEngineConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(engine, "engine");
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("chat slots must be between 1 and " + MAX_SLOTS + ", got " + slots);
        }
        if (slots > 1 && engine == ChatEngineKind.JAVA_LLAMA_CPP) {
            throw new IllegalArgumentException("the java-llama-cpp chat engine serves one job at a time; chat slots "
                    + slots + " needs the llama-cpp engine");
        }
        if (threads < 1) throw new IllegalArgumentException("chat threads must be ≥ 1, got " + threads);
        if (!cpus.isEmpty()) {
            CpuSet allowed = ThreadAffinity.allowedForProcess();
            var missing = cpus.missingFrom(allowed);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("chat CPU list " + cpus + " names CPUs " + missing
                        + " this process may not run on (allowed: " + allowed + ")");
            }
            if (cpus.size() < threads) {
                throw new IllegalArgumentException("chat CPU list " + cpus + " has " + cpus.size() + " CPUs but "
                        + threads + " threads were asked for; give at least one CPU per thread");
            }
        }
        if (contextLength < 64) {
            throw new IllegalArgumentException("chat context length must be ≥ 64 tokens, got " + contextLength);
        }
        if (batchSize < 1) throw new IllegalArgumentException("chat batch size must be ≥ 1, got " + batchSize);
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("chat default max_tokens must be ≥ 1, got " + defaultMaxTokens);
        }
        if (maxPromptTokens < 0 || maxPromptTokens >= contextLength) {
            throw new IllegalArgumentException("chat max prompt tokens must be between 1 and the context length − 1 ("
                    + (contextLength - 1) + "), or 0 for that maximum; got " + maxPromptTokens);
        }
    }

    /**
     * Defaults for a model file: the llama-cpp engine with one slot, all physical cores, no pinning, 4096 context,
     * 512 batch and max_tokens.
     */
    public static ChatEngineConfig defaults(Path model) {
        return new ChatEngineConfig(model, null, CpuTopology.current().physicalCores(), CpuSet.none(),
                DEFAULT_CONTEXT, DEFAULT_BATCH, DEFAULT_MAX_TOKENS, 0, ChatEngineKind.LLAMA_CPP, 1, null);
    }

    public ChatEngineConfig withEngine(ChatEngineKind kind) {
        return new ChatEngineConfig(model, modelId, threads, cpus, contextLength, batchSize, defaultMaxTokens,
                maxPromptTokens, kind, kind == ChatEngineKind.JAVA_LLAMA_CPP ? 1 : slots, nativeDir);
    }

    public ChatEngineConfig withSlots(int n) {
        return new ChatEngineConfig(model, modelId, threads, cpus, contextLength, batchSize, defaultMaxTokens,
                maxPromptTokens, engine, n, nativeDir);
    }

    public ChatEngineConfig withNativeDir(Path dir) {
        return new ChatEngineConfig(model, modelId, threads, cpus, contextLength, batchSize, defaultMaxTokens,
                maxPromptTokens, engine, slots, dir);
    }

    /** Pins to {@code cpus} with one thread per physical core behind them. */
    public ChatEngineConfig withCpus(CpuSet newCpus) {
        int t = CpuTopology.current().physicalCores(newCpus);
        return new ChatEngineConfig(model, modelId, t, newCpus, contextLength, batchSize, defaultMaxTokens,
                maxPromptTokens, engine, slots, nativeDir);
    }

    public ChatEngineConfig withThreads(int n) {
        return new ChatEngineConfig(model, modelId, n, cpus, contextLength, batchSize, defaultMaxTokens,
                maxPromptTokens, engine, slots, nativeDir);
    }

    public ChatEngineConfig withContextLength(int n) {
        return new ChatEngineConfig(model, modelId, threads, cpus, n, batchSize, defaultMaxTokens,
                maxPromptTokens, engine, slots, nativeDir);
    }

    public ChatEngineConfig withBatchSize(int n) {
        return new ChatEngineConfig(model, modelId, threads, cpus, contextLength, n, defaultMaxTokens,
                maxPromptTokens, engine, slots, nativeDir);
    }

    public ChatEngineConfig withDefaultMaxTokens(int n) {
        return new ChatEngineConfig(model, modelId, threads, cpus, contextLength, batchSize, n, maxPromptTokens, engine, slots, nativeDir);
    }

    public ChatEngineConfig withMaxPromptTokens(int n) {
        return new ChatEngineConfig(model, modelId, threads, cpus, contextLength, batchSize, defaultMaxTokens, n, engine, slots, nativeDir);
    }

    public ChatEngineConfig withModelId(String id) {
        return new ChatEngineConfig(model, id, threads, cpus, contextLength, batchSize, defaultMaxTokens,
                maxPromptTokens, engine, slots, nativeDir);
    }

    /** The prompt limit in effect: {@link #maxPromptTokens} or, when 0, the context length − 1. */
    public int promptLimit() {
        return maxPromptTokens == 0 ? contextLength - 1 : maxPromptTokens;
    }

    /** {@link #modelId} or one derived from the file name. */
    public String effectiveModelId() {
        if (modelId != null && !modelId.isBlank()) return modelId;
        String name = model.getFileName().toString();
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) name = name.substring(0, name.length() - 5);
        return name.toLowerCase(java.util.Locale.ROOT);
    }
}
