package io.xaichat.worker.kafka;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds the worker's Kafka clients with explicit settings. The pass-through properties (security: SASL_SSL,
 * SCRAM, mTLS) are applied first, and the settings the runtime's guarantees rest on are applied over them.
 */
public final class KafkaClients {
    /** Producer delivery timeout; the ack wait is a little longer so the producer's own error is the one seen. */
    public static final int DELIVERY_TIMEOUT_MS = 30_000;

    private final WorkerConfig config;

    public KafkaClients(WorkerConfig config) {
        this.config = config;
    }

    private Map<String, Object> common(String clientSuffix) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.workerId() + "-" + clientSuffix);
        return props;
    }

    /** Records per poll: a batch large enough for the cache-hit path's lookups, never more than the buffer bound. */
    static final int MAX_POLL_RECORDS = 500;

    public Consumer<String, byte[]> jobConsumer(JobKind kind) {
        int maxBuffered = config.throughput().maxBufferedRecords();
        Map<String, Object> props = common("consumer-" + kind.wireName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId(kind));
        // Static membership: a restarted worker takes its partitions back without a rebalance storm.
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.workerId() + "-" + kind.wireName());
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, config.groupProtocol());
        if (config.groupProtocol().equals("classic")) {
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The worker creates its topics itself, with its settings; a subscription never creates one as a side effect.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(MAX_POLL_RECORDS, maxBuffered)));
        // Let oversized records reach the worker, which answers them with record_too_large instead of stalling.
        int fetch = Math.max(config.maxRecordBytes() * 2, 1 << 20);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetch);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(fetch, 50 << 20));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    public Producer<String, byte[]> replyProducer() {
        Map<String, Object> props = common("producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // No linger (a lone answer goes out at once), but one request in flight: while it is acknowledged the answers
        // that follow gather into one batch, so a burst of cache hits costs the broker a few large produce requests
        // rather than one small request per answer.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // The producer has no switch against auto-creation (its metadata requests always allow it), so it is only
        // ever given reply topics the ReplyTopicResolver saw exist, forgets idle topics fast (a deleted reply topic
        // is not re-requested, and so not re-created, by its background metadata refresh), and waits briefly for
        // metadata when a topic vanished meanwhile.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, 5_000);
        // Image results carry a PNG; the broker's message.max.bytes must allow it too.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }

    public Admin admin() {
        return Admin.create(common("admin"));
    }
}
