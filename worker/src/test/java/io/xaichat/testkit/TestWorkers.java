package io.xaichat.testkit;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.kafka.JobListener;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Real workers for tests: the production runtime with settings sized for tests and tiny models. */
public final class TestWorkers {
    /** Records above this are refused in tests, so the oversize case needs no huge record. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;
    /** Jobs asking for more tokens are refused in tests. */
    public static final int MAX_TOKENS = 1024;

    private TestWorkers() {}

    /** @param redisUrl null runs without a cache */
    public static WorkerConfig config(String bootstrap, String redisUrl, String prefix, String workerId, JobKind... kinds) {
        return config(Map.of(), bootstrap, redisUrl, prefix, workerId, kinds);
    }

    /**
     * Test-sized settings, built from the setting definitions as the worker's command line builds them.
     *
     * @param settings further settings by flag name, e.g. {@code "chat-concurrency" → "4"}; they win
     */
    public static WorkerConfig config(Map<String, String> settings, String bootstrap, String redisUrl, String prefix,
                                      String workerId, JobKind... kinds) {
        Map<String, String> s = new HashMap<>(Map.of("worker-id", workerId, "bootstrap-servers", bootstrap,
                "topic-prefix", prefix, "partitions", "2", "redis-url", redisUrl == null ? "none" : redisUrl,
                "cache-lock-ttl", "30s", "max-record-bytes", String.valueOf(MAX_RECORD_BYTES),
                "max-tokens-limit", String.valueOf(MAX_TOKENS), "stream-batch-size", "2", "shutdown-grace", "20s"));
        s.put("kinds", Arrays.stream(kinds).map(JobKind::wireName).collect(Collectors.joining(",")));
        s.putAll(settings);
        return StartupConfig.worker(s);
    }

    /** A tiny qwen2 chat engine: context 256, one thread, 16 tokens by default. */
    public static LlamaChatEngine tinyChat(Path model) {
        return new LlamaChatEngine(ChatEngineConfig.defaults(model).withThreads(1).withContextLength(256)
                .withDefaultMaxTokens(16));
    }

    /** A tiny chat engine on the current llama.cpp: context 256, one thread, 16 tokens by default. */
    public static LlamaCppChatEngine tinyLlamaCpp(Path model, int slots) {
        return new LlamaCppChatEngine(ChatEngineConfig.defaults(model).withThreads(1).withContextLength(256)
                .withDefaultMaxTokens(16).withSlots(slots));
    }

    public static Worker start(WorkerConfig config, Engine<?>... engines) {
        return new Worker(config, Arrays.asList(engines), JobListener.NONE).start();
    }

    public static Worker start(WorkerConfig config, JobListener listener, Engine<?>... engines) {
        return new Worker(config, Arrays.asList(engines), listener).start();
    }
}
