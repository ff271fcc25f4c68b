package io.xaichat.worker.config;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The worker runtime's settings as command-line flags, each defaulting to an environment variable: the one place
 * they are read. {@link #toConfig()} validates them all at once.
 */
public final class WorkerOptions {

    @Option(names = "--worker-id", defaultValue = "${env:XAICHAT_WORKER_ID}",
            description = "Stable id of this worker (static group membership). Env XAICHAT_WORKER_ID. Default: host-pid.")
    String workerId;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers. Env KAFKA_BOOTSTRAP_SERVERS. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--kafka-config", defaultValue = "${env:XAICHAT_KAFKA_CONFIG}",
            description = "Properties file passed to every Kafka client (security: SASL_SSL, SCRAM, mTLS). Env XAICHAT_KAFKA_CONFIG; "
                    + "single properties also as XAICHAT_KAFKA_<NAME>, e.g. XAICHAT_KAFKA_SASL_MECHANISM.")
    Path kafkaConfig;

    @Option(names = "--topic-prefix", defaultValue = "${env:XAICHAT_TOPIC_PREFIX:-xaichat}",
            description = "Prefix of the job, dead-letter and reply topics. Env XAICHAT_TOPIC_PREFIX. Default: ${DEFAULT-VALUE}.")
    String topicPrefix;

    @Option(names = "--kinds", split = ",", defaultValue = "${env:XAICHAT_KINDS:-chat}",
            description = "Job kinds this worker serves: chat, vision, image. Env XAICHAT_KINDS. Default: ${DEFAULT-VALUE}.")
    Set<String> kinds;

    @Option(names = "--no-chat", description = "Do not serve chat jobs even if listed in --kinds.")
    boolean noChat;

    @Option(names = "--no-vision", description = "Do not serve vision jobs even if listed in --kinds.")
    boolean noVision;

    @Option(names = "--no-image", description = "Do not serve image jobs even if listed in --kinds.")
    boolean noImage;

    @Option(names = "--partitions", defaultValue = "${env:XAICHAT_TOPIC_PARTITIONS:-12}",
            description = "Partitions of job topics created when missing. Env XAICHAT_TOPIC_PARTITIONS. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "${env:XAICHAT_TOPIC_REPLICATION:-1}",
            description = "Replication factor of topics created when missing. Env XAICHAT_TOPIC_REPLICATION. Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(names = "--group-protocol", defaultValue = "${env:XAICHAT_GROUP_PROTOCOL:-consumer}",
            description = "consumer (KIP-848 incremental rebalancing) or classic (cooperative-sticky). Env XAICHAT_GROUP_PROTOCOL. Default: ${DEFAULT-VALUE}.")
    String groupProtocol;

    @Option(names = "--max-poll-interval", defaultValue = "${env:XAICHAT_MAX_POLL_INTERVAL:-5m}",
            description = "Kafka max.poll.interval.ms; jobs may run longer (the consumer keeps polling). Env XAICHAT_MAX_POLL_INTERVAL. Default: ${DEFAULT-VALUE}.")
    String maxPollInterval;

    @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL:-redis://localhost:6379}",
            description = "Result cache (redis:// or rediss:// for TLS; user:password@ for AUTH); 'none' disables. Env REDIS_URL. Default: ${DEFAULT-VALUE}.")
    String redisUrl;

    @Option(names = "--cache-ttl", defaultValue = "${env:XAICHAT_CACHE_TTL:-1h}",
            description = "How long cached results live. Env XAICHAT_CACHE_TTL. Default: ${DEFAULT-VALUE}.")
    String cacheTtl;

    @Option(names = "--cache-lock-ttl", defaultValue = "${env:XAICHAT_CACHE_LOCK_TTL:-10m}",
            description = "Longest an identical job waits for another worker's result before computing itself. Env XAICHAT_CACHE_LOCK_TTL. Default: ${DEFAULT-VALUE}.")
    String cacheLockTtl;

    @Option(names = "--max-record-bytes", defaultValue = "${env:XAICHAT_MAX_RECORD_BYTES:-8388608}",
            description = "Larger job records are refused with record_too_large. Env XAICHAT_MAX_RECORD_BYTES. Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(names = "--max-tokens-limit", defaultValue = "${env:XAICHAT_MAX_TOKENS_LIMIT:-4096}",
            description = "Chat and vision jobs asking for more max_tokens are refused with invalid_request. Env XAICHAT_MAX_TOKENS_LIMIT. Default: ${DEFAULT-VALUE}.")
    int maxTokensLimit;

    @Option(names = "--stream-batch-size", defaultValue = "${env:XAICHAT_STREAM_BATCH_SIZE:-10}",
            description = "Tokens per stream chunk. Env XAICHAT_STREAM_BATCH_SIZE. Default: ${DEFAULT-VALUE}.")
    int streamBatchSize;

    @Option(names = "--shutdown-grace", defaultValue = "${env:XAICHAT_SHUTDOWN_GRACE:-60s}",
            description = "On SIGTERM, how long the running job may take to finish. Env XAICHAT_SHUTDOWN_GRACE. Default: ${DEFAULT-VALUE}.")
    String shutdownGrace;

    @Option(names = "--stay-in-group", defaultValue = "${env:XAICHAT_STAY_IN_GROUP:-false}",
            description = "On shutdown keep the static membership (fast restart of the same worker) instead of leaving the group (scale-down). Env XAICHAT_STAY_IN_GROUP.")
    boolean stayInGroup;

    @Option(names = "--reply-topics", defaultValue = "${env:XAICHAT_REPLY_TOPICS:-}",
            description = "Extra reply topic patterns (comma-separated, '*' wildcard) besides <prefix>.replies.* and "
                    + "<prefix>.results, e.g. spring.replies.*. Job, dead-letter and __* topics are never allowed. "
                    + "Env XAICHAT_REPLY_TOPICS.")
    String replyTopics;

    @Option(names = "--max-reply-bytes", defaultValue = "${env:XAICHAT_MAX_REPLY_BYTES:-33554432}",
            description = "Most bytes one job's stream chunks and result may publish; a larger result ends as "
                    + "output_too_large. Env XAICHAT_MAX_REPLY_BYTES. Default: ${DEFAULT-VALUE}.")
    long maxReplyBytes;

    @Option(names = "--cache-scope", defaultValue = "${env:XAICHAT_CACHE_SCOPE:-tenant}",
            description = "tenant: cached results are shared only among jobs replying to one tenant's topics "
                    + "(<prefix>.replies.<tenant>.<client>) with the same cache_scope; shared: across tenants. "
                    + "Env XAICHAT_CACHE_SCOPE. Default: ${DEFAULT-VALUE}.")
    String cacheScope;

    @Option(names = "--chat-concurrency", defaultValue = "${env:XAICHAT_CHAT_CONCURRENCY:-0}",
            description = "Chat jobs in flight at once; 0 = the engine's slot count. Run calls beyond the engine's slots wait for a free slot. Env XAICHAT_CHAT_CONCURRENCY.")
    int chatConcurrency;

    @Option(names = "--vision-concurrency", defaultValue = "${env:XAICHAT_VISION_CONCURRENCY:-1}",
            description = "Vision jobs in flight at once. Env XAICHAT_VISION_CONCURRENCY. Default: ${DEFAULT-VALUE}.")
    int visionConcurrency;

    @Option(names = "--image-concurrency", defaultValue = "${env:XAICHAT_IMAGE_CONCURRENCY:-1}",
            description = "Image jobs in flight at once. Env XAICHAT_IMAGE_CONCURRENCY. Default: ${DEFAULT-VALUE}.")
    int imageConcurrency;

    @Option(names = "--max-buffered-records", defaultValue = "${env:XAICHAT_MAX_BUFFERED_RECORDS:-1000}",
            description = "Job records taken off the topic and not yet answered, per kind, before the worker pauses fetching. Env XAICHAT_MAX_BUFFERED_RECORDS. Default: ${DEFAULT-VALUE}.")
    int maxBufferedRecords;

    @Option(names = "--commit-interval", defaultValue = "${env:XAICHAT_COMMIT_INTERVAL:-100ms}",
            description = "How often answered offsets are committed (asynchronously; synchronously on revoke and shutdown). Env XAICHAT_COMMIT_INTERVAL. Default: ${DEFAULT-VALUE}.")
    String commitInterval;

    public Set<JobKind> enabledKinds() {
        EnumSet<JobKind> set = EnumSet.noneOf(JobKind.class);
        for (String k : kinds) {
            String name = k.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) continue;
            try {
                set.add(JobKind.fromWire(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--kinds/XAICHAT_KINDS: " + e.getMessage());
            }
        }
        if (noChat) set.remove(JobKind.CHAT);
        if (noVision) set.remove(JobKind.VISION);
        if (noImage) set.remove(JobKind.IMAGE);
        return set;
    }

    /** Replaces the broker address and cache URL (local mode points them at its embedded services). */
    public WorkerOptions connectTo(String bootstrap, String redis) {
        this.bootstrapServers = bootstrap;
        this.redisUrl = redis;
        return this;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path kafkaConfig() {
        return kafkaConfig;
    }

    public WorkerConfig toConfig() {
        return new WorkerConfig(
                workerId == null || workerId.isBlank() ? defaultWorkerId() : workerId,
                bootstrapServers,
                KafkaProperties.load(kafkaConfig, System.getenv()),
                new Topics(topicPrefix),
                enabledKinds(),
                partitions,
                replicationFactor,
                groupProtocol,
                duration("--max-poll-interval", maxPollInterval),
                redisUri(redisUrl),
                duration("--cache-ttl", cacheTtl),
                duration("--cache-lock-ttl", cacheLockTtl),
                maxRecordBytes,
                maxTokensLimit,
                streamBatchSize,
                duration("--shutdown-grace", shutdownGrace),
                !stayInGroup,
                SecuritySettings.parse(replyTopics, maxReplyBytes, cacheScope),
                new ThroughputConfig(Map.of(JobKind.CHAT, chatConcurrency, JobKind.VISION, visionConcurrency,
                        JobKind.IMAGE, imageConcurrency), maxBufferedRecords,
                        duration("--commit-interval", commitInterval)));
    }

    static java.time.Duration duration(String option, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage());
        }
    }

    private static URI redisUri(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) return null;
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException("REDIS_URL is not a URL (expected redis://host:port): " + e.getReason());
        }
    }

    /** {@code <host>-<pid>}, for processes that need a stable-enough id of their own (workers, gateways). */
    public static String defaultWorkerId() {
        // Read the host name locally: InetAddress.getLocalHost() may ask a DNS server.
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                host = "worker";
            }
        }
        return (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
