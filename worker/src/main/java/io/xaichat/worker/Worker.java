package io.xaichat.worker;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.worker.cache.CacheStatus;
import io.xaichat.worker.cache.CachedCompute;
import io.xaichat.worker.cache.RedisResultCache;
import io.xaichat.worker.cache.ResultCache;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.kafka.FlowState;
import io.xaichat.worker.kafka.JobConsumerLoop;
import io.xaichat.worker.kafka.JobListener;
import io.xaichat.worker.kafka.JobProcessor;
import io.xaichat.worker.cache.CacheScope;
import io.xaichat.worker.kafka.JobSafeguards;
import io.xaichat.worker.kafka.KafkaClients;
import io.xaichat.worker.kafka.ReplyGuard;
import io.xaichat.worker.kafka.ReplyPolicy;
import io.xaichat.worker.kafka.ReplyTopicResolver;
import io.xaichat.worker.kafka.ReplyPublisher;
import io.xaichat.worker.kafka.TopicProvisioner;
import io.xaichat.worker.kafka.WorkerAdvertiser;
import io.xaichat.schema.WorkerAdvert;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: the resident engines, one consumer loop per job kind, the reply producer and the cache.
 * Engines are loaded by the caller and owned by the worker from then on.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** Expiry of a compute lock unless renewed (every third of it) by its living holder. */
    static final Duration LOCK_LEASE = Duration.ofSeconds(15);

    private final WorkerConfig config;
    private final Map<JobKind, Engine<?>> engines;
    private final JobListener listener;
    private final CacheStatus cacheStatus = new CacheStatus();
    private final List<JobConsumerLoop> loops = new ArrayList<>();
    private final Map<JobKind, JobConsumerLoop> loopsByKind = new EnumMap<>(JobKind.class);
    private final List<Thread> threads = new ArrayList<>();
    private ResultCache cache;
    private CachedCompute cached;
    private ReplyPublisher publisher;
    private WorkerAdvertiser advertiser;
    private Admin replyAdmin;

    public Worker(WorkerConfig config, List<Engine<?>> engines, JobListener listener) {
        this.config = config;
        this.engines = new EnumMap<>(JobKind.class);
        for (Engine<?> e : engines) this.engines.put(e.kind(), e);
        if (!this.engines.keySet().equals(config.kinds())) {
            throw new IllegalArgumentException("engines " + this.engines.keySet() + " do not match the enabled kinds "
                    + config.kinds());
        }
        this.listener = listener;
    }

    /** Creates missing topics, connects the cache and starts consuming. */
    public Worker start() {
        KafkaClients clients = new KafkaClients(config);
        List<String> topics = new ArrayList<>();
        config.kinds().forEach(k -> topics.add(config.topics().jobs(k)));
        topics.add(config.topics().deadLetter());
        try (Admin admin = clients.admin()) {
            new TopicProvisioner(admin).ensure(topics, config.topicPartitions(), config.replicationFactor());
            try {
                new TopicProvisioner(admin).ensureCompacted(config.topics().workers(), config.replicationFactor());
            } catch (IllegalStateException e) { // adverts are optional: jobs are served without them
                log.warn("no worker adverts: {}", e.getMessage());
            }
        }
        publisher = new ReplyPublisher(clients.replyProducer(), config.workerId(), config.topics().deadLetter(),
                Duration.ofMillis(KafkaClients.DELIVERY_TIMEOUT_MS + 5_000));
        replyAdmin = clients.admin();
        JobSafeguards safeguards = new JobSafeguards(
                new ReplyGuard(new ReplyPolicy(config.topics(), config.security().extraReplyTopics()),
                        ReplyTopicResolver.withDefaults(replyAdmin)),
                config.security().maxReplyBytes(),
                new CacheScope(config.topics(), config.security().cacheScope()));
        if (config.redisUrl() != null) {
            // The lock is a lease its holder renews: a killed worker's lock frees itself within it, not after the
            // whole wait limit (XAICHAT_CACHE_LOCK_TTL), which stays how long an identical job waits at most.
            Duration lease = config.cacheLockTtl().compareTo(LOCK_LEASE) < 0 ? config.cacheLockTtl() : LOCK_LEASE;
            cache = new RedisResultCache(config.redisUrl(), config.cacheTtl(), lease, Duration.ofSeconds(2));
            if (!cache.ping()) {
                log.warn("result cache at {} not reachable at start; serving without it until it is",
                        WorkerConfig.redacted(config.redisUrl()));
            }
            cached = new CachedCompute(cache, config.workerId(), config.cacheLockTtl(), Duration.ofMillis(20), cacheStatus,
                    lease);
        }
        SchemaValidator validator = new SchemaValidator();
        for (Engine<?> engine : engines.values()) {
            String topic = config.topics().jobs(engine.kind());
            JobProcessor processor = new JobProcessor(engine, topic, validator, cached, publisher, listener,
                    config.workerId(), config.maxRecordBytes(), config.maxTokens(), config.streamBatchSize(), Clock.systemUTC(),
                    safeguards);
            Consumer<String, byte[]> consumer = clients.jobConsumer(engine.kind());
            listener.consumerStarted(engine.kind(), consumer::metrics);
            JobConsumerLoop loop = new JobConsumerLoop(consumer, processor, cached, topic, config.shutdownGrace(),
                    config.leaveGroupOnShutdown(), config.throughput());
            Thread t = new Thread(loop, "xaichat-poll-" + engine.kind().wireName());
            loops.add(loop);
            loopsByKind.put(engine.kind(), loop);
            threads.add(t);
            t.start();
            log.info("worker {} serving {} jobs from {} with model {}", config.workerId(), engine.kind().wireName(),
                    topic, engine.modelId());
        }
        advertiser = new WorkerAdvertiser(clients.replyProducer(), config.topics().workers(), engines.values().stream()
                .map(e -> new WorkerAdvert(config.workerId(), e.kind(), e.modelId(), config.maxTokens(),
                        config.maxRecordBytes(), Instant.now())).toList()).publish();
        return this;
    }

    public WorkerConfig config() {
        return config;
    }

    public Engine<?> engine(JobKind kind) {
        return engines.get(kind);
    }

    /** The latest in-flight and commit state of a kind's consumer loop. */
    public FlowState flowState(JobKind kind) {
        JobConsumerLoop loop = loopsByKind.get(kind);
        return loop == null ? FlowState.EMPTY : loop.flow();
    }

    public CacheStatus cacheStatus() {
        return cacheStatus;
    }

    /** Whether every consumer loop is still running. */
    public boolean running() {
        return !loops.isEmpty() && loops.stream().noneMatch(JobConsumerLoop::finished);
    }

    /**
     * Stops taking jobs, lets the running jobs finish within the grace period, commits, leaves the group. Engines whose
     * job is still running after that are not closed: freeing a model under a running native call would crash.
     */
    @Override
    public void close() {
        loops.forEach(JobConsumerLoop::stop);
        for (Thread t : threads) {
            try {
                t.join(config.shutdownGrace().plusSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (advertiser != null) advertiser.close();
        if (publisher != null) publisher.close();
        if (replyAdmin != null) replyAdmin.close(Duration.ofSeconds(5));
        if (cached != null) cached.close();
        if (cache != null) cache.close();
        boolean abandoned = loops.stream().anyMatch(JobConsumerLoop::jobRunning);
        if (abandoned) {
            log.warn("a job is still running after the grace period; leaving its engine open");
        } else {
            engines.values().forEach(Engine::close);
        }
        log.info("worker {} stopped", config.workerId());
    }
}
