package io.xaichat.worker.config;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The worker runtime's settings (everything but the engines), validated once at start. Built from the setting
 * definitions ({@link StartupConfig#read}, or {@link StartupConfig#worker(Map)} from a map of settings).
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

    public WorkerConfig {
        if (security == null) security = SecuritySettings.defaults();
        java.util.Objects.requireNonNull(throughput, "throughput");
        kafkaProperties = Map.copyOf(kafkaProperties);
        kinds = Set.copyOf(kinds);
        // The values were validated by their definitions (WorkerSettings), which name the flag and the variable.
        java.util.Objects.requireNonNull(workerId, "workerId");
        java.util.Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** The URL without user and password, for logs. */
    public static String redacted(URI url) {
        if (url == null) return "(none)";
        return url.getUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "***@");
    }

    public String groupId(JobKind kind) {
        return topics.prefix() + ".workers." + kind.wireName();
    }

    /** {@code <host>-<pid>}, for processes that need a stable-enough id of their own (workers, gateways). */
    public static String defaultWorkerId() {
        // Read the host name locally: InetAddress.getLocalHost() may ask a DNS server.
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (java.io.IOException | RuntimeException e) {
                host = "worker";
            }
        }
        return (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
