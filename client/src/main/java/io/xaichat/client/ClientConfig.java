package io.xaichat.client;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How an {@link XaiChatClient} connects and where its answers come back.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param kafkaProperties extra client properties applied first (security: SASL_SSL, SCRAM, mTLS...); the settings
 *     the client's guarantees rest on (idempotence, acks, serializers) are applied over them
 * @param topicPrefix prefix of all topic names (see {@link Topics})
 * @param clientId names this client's reply topic ({@code <prefix>.replies.<clientId>}) and its Kafka client ids
 * @param replyMode {@link ReplyMode#PER_CLIENT}: a reply topic of its own; {@link ReplyMode#SHARED}: the shared
 *     {@code <prefix>.results}, filtered by correlation id
 * @param replyPartitions partitions of a per-client reply topic when this client creates it
 * @param deleteReplyTopicOnClose delete the per-client reply topic on close when every job was answered (it is
 *     read from its end anyway); kept while answers may still arrive
 * @param timeouts default time to wait for a result, per kind
 */
public record ClientConfig(
        String bootstrapServers,
        Map<String, String> kafkaProperties,
        String topicPrefix,
        String clientId,
        ReplyMode replyMode,
        int replyPartitions,
        boolean deleteReplyTopicOnClose,
        Map<JobKind, Duration> timeouts) {

    public enum ReplyMode { PER_CLIENT, SHARED }

    /** Every registered kind's {@link JobKind#defaultTimeout()}: no kind is ever without a timeout. */
    public static final Map<JobKind, Duration> DEFAULT_TIMEOUTS = java.util.Arrays.stream(JobKind.values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(k -> k, JobKind::defaultTimeout));

    public ClientConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
        if (topicPrefix == null || topicPrefix.isBlank()) topicPrefix = Topics.DEFAULT_PREFIX;
        if (clientId == null || clientId.isBlank()) clientId = "client-" + UUID.randomUUID().toString().substring(0, 8);
        if (!clientId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("client id '" + clientId
                    + "' may use only letters, digits, '.', '_' and '-' (1 to 100 characters): it names a topic");
        }
        if (replyMode == null) replyMode = ReplyMode.PER_CLIENT;
        if (replyPartitions < 1) {
            throw new IllegalArgumentException("reply partitions must be at least 1, got " + replyPartitions);
        }
        Map<JobKind, Duration> all = new EnumMap<>(DEFAULT_TIMEOUTS);
        if (timeouts != null) timeouts.forEach((kind, d) -> { if (d != null) all.put(kind, d); }); // null: the default
        all.forEach((kind, d) -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout for " + kind.wireName() + " jobs must be positive, got " + d);
            }
        });
        timeouts = Map.copyOf(all);
    }

    /** A per-client reply topic with a random client id, 1 partition, default timeouts. */
    public static ClientConfig of(String bootstrapServers) {
        return new ClientConfig(bootstrapServers, Map.of(), Topics.DEFAULT_PREFIX, null, ReplyMode.PER_CLIENT, 1,
                true, Map.of());
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The topic this client's answers arrive on. */
    public String replyTopic() {
        return replyMode == ReplyMode.SHARED ? topics().replies() : topicPrefix + ".replies." + clientId;
    }

    public Duration timeout(JobKind kind) {
        return timeouts.get(kind);
    }

    public ClientConfig withKafkaProperties(Map<String, String> props) {
        return new ClientConfig(bootstrapServers, props, topicPrefix, clientId, replyMode, replyPartitions,
                deleteReplyTopicOnClose, timeouts);
    }

    public ClientConfig withTopicPrefix(String prefix) {
        return new ClientConfig(bootstrapServers, kafkaProperties, prefix, clientId, replyMode, replyPartitions,
                deleteReplyTopicOnClose, timeouts);
    }

    public ClientConfig withClientId(String id) {
        return new ClientConfig(bootstrapServers, kafkaProperties, topicPrefix, id, replyMode, replyPartitions,
                deleteReplyTopicOnClose, timeouts);
    }

    public ClientConfig withReplyMode(ReplyMode mode) {
        return new ClientConfig(bootstrapServers, kafkaProperties, topicPrefix, clientId, mode, replyPartitions,
                deleteReplyTopicOnClose, timeouts);
    }

    public ClientConfig withReplyPartitions(int partitions) {
        return new ClientConfig(bootstrapServers, kafkaProperties, topicPrefix, clientId, replyMode, partitions,
                deleteReplyTopicOnClose, timeouts);
    }

    public ClientConfig withTimeout(JobKind kind, Duration timeout) {
        Map<JobKind, Duration> t = new EnumMap<>(timeouts);
        t.put(kind, timeout);
        return new ClientConfig(bootstrapServers, kafkaProperties, topicPrefix, clientId, replyMode, replyPartitions,
                deleteReplyTopicOnClose, t);
    }
}
