package io.xaichat.worker.config;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker runtime's settings (everything but the engines), validated once at start.
 *
 * @param kafkaProperties extra client properties passed through to every Kafka client (security settings)
 * @param redisUrl null runs without a result cache
 * @param maxRecordBytes larger job records are refused with record_too_large
 * @param maxTokens chat and vision jobs asking for more tokens are refused with invalid_request
 * @param streamBatchSize text pieces per stream chunk
 * @param shutdownGrace how long SIGTERM waits for the running jobs before leaving them to be redelivered
 * @param security where replies may go, bytes a job may publish, cache sharing
 * @param throughput jobs in flight per kind, the buffer bound and the commit interval
 */
public record WorkerConfig(
        String workerId,
        String bootstrapServers,
        Map<String, String> kafkaProperties,
        Topics topics,
        Set<JobKind> kinds,
        int topicPartitions,
        short replicationFactor,
        String groupProtocol,
        Duration maxPollInterval,
        URI redisUrl,
        Duration cacheTtl,
        Duration cacheLockTtl,
        int maxRecordBytes,
        int maxTokens,
        int streamBatchSize,
        Duration shutdownGrace,
        boolean leaveGroupOnShutdown,
        SecuritySettings security,
        ThroughputConfig throughput) {

    /** Settings with the default {@link SecuritySettings} and throughput settings. */
    public WorkerConfig(String workerId, String bootstrapServers, Map<String, String> kafkaProperties, Topics topics,
                        Set<JobKind> kinds, int topicPartitions, short replicationFactor, String groupProtocol,
                        Duration maxPollInterval, URI redisUrl, Duration cacheTtl, Duration cacheLockTtl,
                        int maxRecordBytes, int maxTokens, int streamBatchSize, Duration shutdownGrace,
                        boolean leaveGroupOnShutdown) {
        this(workerId, bootstrapServers, kafkaProperties, topics, kinds, topicPartitions, replicationFactor,
                groupProtocol, maxPollInterval, redisUrl, cacheTtl, cacheLockTtl, maxRecordBytes, maxTokens,
                streamBatchSize, shutdownGrace, leaveGroupOnShutdown, SecuritySettings.defaults(), ThroughputConfig.DEFAULTS);
    }

    public WorkerConfig {
        if (security == null) security = SecuritySettings.defaults();
        java.util.Objects.requireNonNull(throughput, "throughput");
        kafkaProperties = Map.copyOf(kafkaProperties);
        kinds = Set.copyOf(kinds);
        List<String> problems = new ArrayList<>();
        if (workerId == null || !workerId.matches("[A-Za-z0-9._-]{1,100}")) {
            problems.add("worker id '" + workerId + "' must be 1-100 characters of letters, digits, '.', '_' or '-'");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            problems.add("KAFKA_BOOTSTRAP_SERVERS is empty: give host:port of at least one broker");
        }
        if (kinds.isEmpty()) problems.add("no job kinds enabled: enable at least one of chat, vision, image");
        if (topicPartitions < 1) problems.add("topic partitions must be ≥ 1, got " + topicPartitions);
        if (replicationFactor < 1) problems.add("replication factor must be ≥ 1, got " + replicationFactor);
        if (!groupProtocol.equals("consumer") && !groupProtocol.equals("classic")) {
            problems.add("group protocol must be 'consumer' (KIP-848) or 'classic', got '" + groupProtocol + "'");
        }
        if (redisUrl != null && !Set.of("redis", "rediss").contains(redisUrl.getScheme())) {
            problems.add("REDIS_URL must start with redis:// or rediss://, got '" + redacted(redisUrl) + "'");
        }
        if (cacheTtl.isNegative() || cacheTtl.isZero()) problems.add("cache TTL must be positive, got " + cacheTtl);
        if (cacheLockTtl.isNegative() || cacheLockTtl.isZero()) {
            problems.add("cache lock TTL must be positive, got " + cacheLockTtl);
        }
        if (maxRecordBytes < 1024) problems.add("max record bytes must be ≥ 1024, got " + maxRecordBytes);
        if (maxTokens < 1) problems.add("max tokens limit must be ≥ 1, got " + maxTokens);
        if (streamBatchSize < 1) problems.add("stream batch size must be ≥ 1, got " + streamBatchSize);
        if (shutdownGrace.isNegative()) problems.add("shutdown grace must not be negative, got " + shutdownGrace);
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    /** The URL without user and password, for logs. */
    public static String redacted(URI url) {
        if (url == null) return "(none)";
        return url.getUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "***@");
    }

    public WorkerConfig withSecurity(SecuritySettings settings) {
        return new WorkerConfig(workerId, bootstrapServers, kafkaProperties, topics, kinds, topicPartitions,
                replicationFactor, groupProtocol, maxPollInterval, redisUrl, cacheTtl, cacheLockTtl, maxRecordBytes,
                maxTokens, streamBatchSize, shutdownGrace, leaveGroupOnShutdown, settings, throughput);
    }

    public WorkerConfig withThroughput(ThroughputConfig t) {
        return new WorkerConfig(workerId, bootstrapServers, kafkaProperties, topics, kinds, topicPartitions,
                replicationFactor, groupProtocol, maxPollInterval, redisUrl, cacheTtl, cacheLockTtl, maxRecordBytes,
                maxTokens, streamBatchSize, shutdownGrace, leaveGroupOnShutdown, security, t);
    }

    public String groupId(JobKind kind) {
        return topics.prefix() + ".workers." + kind.wireName();
    }
}
