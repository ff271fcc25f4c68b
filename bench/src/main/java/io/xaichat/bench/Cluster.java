package io.xaichat.bench;

import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.embedded.EmbeddedRedis;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import io.xaichat.worker.Worker;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.kafka.JobListener;
import io.xaichat.worker.kafka.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process Kafka broker and redis-server every pipeline measurement runs against, and the production worker
 * runtime and client built on them. Each measurement gets its own topic prefix, so no job of one is seen by another.
 */
public final class Cluster implements AutoCloseable {
    /** The worker command's default --stream-batch-size. */
    public static final int STREAM_BATCH = 10;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedRedis redis;
    private final AtomicInteger prefixes = new AtomicInteger();

    private Cluster(EmbeddedKafkaBroker broker, EmbeddedRedis redis) {
        this.broker = broker;
        this.redis = redis;
    }

    public static Cluster start() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault();
        try {
            return new Cluster(broker, EmbeddedRedis.startDefault());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String redisUrl() {
        return redis.url();
    }

    /** A fresh topic prefix: {@code bench<N>-<name>}. */
    public String prefix(String name) {
        return "bench" + prefixes.incrementAndGet() + "-" + name;
    }

    /**
     * The worker settings used throughout: the worker command's defaults (new consumer group protocol, 10 text
     * pieces per stream chunk, 10 min cache lock) with 16 MiB records, the given partitions and optional cache.
     */
    public WorkerConfig workerConfig(String workerId, String prefix, int partitions, boolean cache, JobKind kind) {
        return workerConfig(workerId, prefix, partitions, cache, kind, Map.of());
    }

    /** @param settings further settings by flag name ({@code "chat-concurrency" → "1"}) */
    public WorkerConfig workerConfig(String workerId, String prefix, int partitions, boolean cache, JobKind kind,
                                     Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("worker-id", workerId, "bootstrap-servers", bootstrapServers(),
                "topic-prefix", prefix, "kinds", kind.wireName(), "partitions", String.valueOf(partitions),
                "redis-url", cache ? redisUrl() : "none", "max-record-bytes", String.valueOf(16 << 20),
                "stream-batch-size", String.valueOf(STREAM_BATCH), "shutdown-grace", "30s"));
        all.putAll(settings);
        return StartupConfig.worker(all);
    }

    /** Creates {@code topic} with {@code partitions} partitions unless it exists. */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            new TopicProvisioner(admin).ensure(List.of(topic), partitions, (short) 1);
        }
    }

    public Worker startWorker(WorkerConfig config, Engine<?> engine) {
        return startWorker(config, engine, JobListener.NONE);
    }

    public Worker startWorker(WorkerConfig config, Engine<?> engine, JobListener listener) {
        return new Worker(config, List.of(engine), listener).start();
    }

    public XaiChatClient client(String prefix) {
        return XaiChatClient.start(ClientConfig.of(bootstrapServers()).withTopicPrefix(prefix));
    }

    @Override
    public void close() {
        try {
            redis.close();
        } finally {
            broker.close();
        }
    }
}
