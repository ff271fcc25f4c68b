package io.xaichat.worker.config;

import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.ChatEngineKind;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.cpu.CpuTopology;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Chat engine settings as flags with environment defaults. */
public final class ChatOptions {
    /** The manifest's default chat model (xaichat models pull chat): Qwen3-1.7B, which the llama-cpp engine runs. */
    public static final String DEFAULT_MODEL = "chat/Qwen3-1.7B-Q4_K_M.gguf";

    @Option(names = "--chat-model", defaultValue = "${env:XAICHAT_CHAT_MODEL}",
            description = "GGUF model file. Env XAICHAT_CHAT_MODEL. Default: <models-dir>/" + DEFAULT_MODEL + ".")
    Path model;

    @Option(names = "--chat-model-id", defaultValue = "${env:XAICHAT_CHAT_MODEL_ID}",
            description = "Model id reported in results and matched against a job's 'model'. Env XAICHAT_CHAT_MODEL_ID. Default: the file name.")
    String modelId;

    @Option(names = "--chat-threads", defaultValue = "${env:XAICHAT_CHAT_THREADS:-0}",
            description = "Inference threads; 0 = physical cores (of --chat-cpus when set). Env XAICHAT_CHAT_THREADS.")
    int threads;

    @Option(names = "--chat-cpus", defaultValue = "${env:XAICHAT_CHAT_CPUS}",
            description = "Pin chat threads to these CPUs, e.g. 0-3 or 0,2 (strict placement). Env XAICHAT_CHAT_CPUS.")
    String cpus;

    @Option(names = "--chat-context", defaultValue = "${env:XAICHAT_CHAT_CONTEXT:-4096}",
            description = "Context length in tokens (prompt + answer). Env XAICHAT_CHAT_CONTEXT. Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--chat-batch", defaultValue = "${env:XAICHAT_CHAT_BATCH:-512}",
            description = "Prompt tokens evaluated per batch. Env XAICHAT_CHAT_BATCH. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--chat-max-tokens", defaultValue = "${env:XAICHAT_CHAT_MAX_TOKENS:-512}",
            description = "max_tokens when a job gives none. Env XAICHAT_CHAT_MAX_TOKENS. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--chat-max-prompt-tokens", defaultValue = "${env:XAICHAT_CHAT_MAX_PROMPT_TOKENS:-0}",
            description = "Longest prompt accepted; 0 = context − 1. Env XAICHAT_CHAT_MAX_PROMPT_TOKENS.")
    int maxPromptTokens;

    @Option(names = "--chat-engine", defaultValue = "${env:XAICHAT_CHAT_ENGINE:-llama-cpp}",
            description = "llama-cpp (a current llama.cpp through its C API, batched decoding) or java-llama-cpp "
                    + "(java-llama.cpp 4.2.0, llama.cpp b4916, one job at a time). Env XAICHAT_CHAT_ENGINE. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--chat-slots", defaultValue = "${env:XAICHAT_CHAT_SLOTS:-" + ChatEngineConfig.DEFAULT_SLOTS + "}",
            description = "llama-cpp engine: chat jobs decoded together, each with its own context. "
                    + "Env XAICHAT_CHAT_SLOTS. Default: ${DEFAULT-VALUE}.")
    int slots;

    @Option(names = "--llama-lib-dir", defaultValue = "${env:XAICHAT_LLAMA_LIB_DIR}",
            description = "llama-cpp engine: directory of llama.cpp's libraries (libllama.v0.5.0.so, libggml*.so); "
                    + "default: the copy bundled in the xaichat-llama-native jar. Env XAICHAT_LLAMA_LIB_DIR.")
    Path libDir;

    public ChatEngineConfig toConfig(ModelsLocation models) {
        CpuSet pinned = parseCpus("--chat-cpus/XAICHAT_CHAT_CPUS", cpus);
        int n = threads > 0 ? threads
                : pinned.isEmpty() ? CpuTopology.current().physicalCores() : CpuTopology.current().physicalCores(pinned);
        ChatEngineKind kind;
        try {
            kind = ChatEngineKind.parse(engine);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--chat-engine/XAICHAT_CHAT_ENGINE: " + e.getMessage());
        }
        if (slots < 1 || slots > ChatEngineConfig.MAX_SLOTS) {
            throw new ConfigException("--chat-slots/XAICHAT_CHAT_SLOTS must be between 1 and "
                    + ChatEngineConfig.MAX_SLOTS + ", got " + slots);
        }
        // java-llama.cpp serves one job at a time whatever the slot setting.
        int effectiveSlots = kind == ChatEngineKind.JAVA_LLAMA_CPP ? 1 : slots;
        if (libDir != null && kind == ChatEngineKind.LLAMA_CPP && !java.nio.file.Files.isDirectory(libDir)) {
            throw new ConfigException("--llama-lib-dir/XAICHAT_LLAMA_LIB_DIR: " + libDir.toAbsolutePath()
                    + " is not a directory");
        }
        try {
            return new ChatEngineConfig(models.resolve(model, DEFAULT_MODEL), blankToNull(modelId), n, pinned, context,
                    batch, maxTokens, maxPromptTokens, kind, effectiveSlots, libDir);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public ChatOptions model(Path file) {
        this.model = file;
        return this;
    }

    static CpuSet parseCpus(String option, String spec) {
        try {
            return CpuSet.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage());
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
