package io.xaichat.testkit;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.kafka.JobListener;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
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
        return new WorkerConfig(workerId, bootstrap, Map.of(), new Topics(prefix),
                Set.copyOf(Arrays.stream(kinds).collect(Collectors.toSet())), 2, (short) 1, "consumer",
                Duration.ofMinutes(5), redisUrl == null ? null : URI.create(redisUrl), Duration.ofHours(1),
                Duration.ofSeconds(30), MAX_RECORD_BYTES, MAX_TOKENS, 2, Duration.ofSeconds(20), true);
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
