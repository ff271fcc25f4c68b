package io.xaichat.e2e;

import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.kafka.JobListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real chat workers (the worker runtime with the llama-cpp engine on a tiny random-weight GGUF) in one group. */
final class ChatWorkers implements AutoCloseable {
    static final int PARTITIONS = 4;

    private final List<Worker> workers = new ArrayList<>();

    /** @param redisUrl null for no result cache */
    static ChatWorkers start(int count, String bootstrapServers, String prefix, String redisUrl, Path modelDir) {
        Path model = TinyGgufModels.qwen2(modelDir);
        ChatWorkers all = new ChatWorkers();
        try {
            for (int i = 0; i < count; i++) {
                WorkerConfig config = StartupConfig.worker(Map.of("worker-id", "worker-" + i,
                        "bootstrap-servers", bootstrapServers, "topic-prefix", prefix,
                        "partitions", String.valueOf(PARTITIONS), "group-protocol", "classic",
                        "redis-url", redisUrl == null ? "none" : redisUrl, "cache-lock-ttl", "30s",
                        "max-record-bytes", String.valueOf(16 << 20), "stream-batch-size", "1", "shutdown-grace", "5s"));
                // The default engine: it serves every request option the golden OpenAI file maps.
                LlamaCppChatEngine engine = new LlamaCppChatEngine(ChatEngineConfig.defaults(model).withThreads(1)
                        .withContextLength(256).withDefaultMaxTokens(8));
                all.workers.add(new Worker(config, List.of(engine), JobListener.NONE).start());
            }
            return all;
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
    }

    /**
     * Waits until every worker owns partitions of the job topic, so a run is shared from its start (a worker with
     * several jobs in flight may otherwise finish a short run before the second one joins).
     */
    void awaitAllAssigned(org.apache.kafka.clients.admin.Admin admin, String group) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (d.members().size() == workers.size()
                        && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // the group does not exist yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not every worker of group " + group + " got partitions within 60 s");
    }

    @Override
    public void close() {
        workers.forEach(Worker::close);
    }
}
