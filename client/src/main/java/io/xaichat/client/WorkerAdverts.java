package io.xaichat.client;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.WorkerAdvert;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live workers' adverts, read once from the compacted {@code <prefix>.workers} topic: the models served and the
 * limits that hold on every worker of a kind (the smallest), so requests can be checked before they are sent.
 * {@link #none()} when no worker advertises (older workers, no topic): then nothing is checked here.
 */
public record WorkerAdverts(Collection<WorkerAdvert> adverts) {
    private static final Logger log = LoggerFactory.getLogger(WorkerAdverts.class);

    public WorkerAdverts {
        adverts = List.copyOf(adverts);
    }

    public static WorkerAdverts none() {
        return new WorkerAdverts(List.of());
    }

    public boolean isEmpty() {
        return adverts.isEmpty();
    }

    /** Models served for {@code kind}; empty when none is advertised. */
    public Set<String> models(JobKind kind) {
        return adverts.stream().filter(a -> a.kind() == kind).map(WorkerAdvert::model)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The max_tokens every advertising worker of {@code kind} accepts. */
    public OptionalInt maxTokensLimit(JobKind kind) {
        return adverts.stream().filter(a -> a.kind() == kind).mapToInt(WorkerAdvert::maxTokensLimit).min();
    }

    /** Reads the topic up to its current end, within {@code wait}; any failure gives {@link #none()}. */
    public static WorkerAdverts read(ClientConfig config, Duration wait) {
        String topic = config.topics().workers();
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "xaichat-" + config.clientId() + "-adverts");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        long until = System.nanoTime() + wait.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, wait);
            if (infos == null || infos.isEmpty()) return none();
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, wait);
            Map<String, WorkerAdvert> latest = new HashMap<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, wait) < end.get(tp))) {
                if (System.nanoTime() > until) break;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.key() == null) continue;
                    if (r.value() == null) {
                        latest.remove(r.key());
                        continue;
                    }
                    try {
                        latest.put(r.key(), Json.read(r.value(), WorkerAdvert.class));
                    } catch (RuntimeException e) {
                        log.debug("unreadable worker advert {} skipped: {}", r.key(), e.getMessage());
                    }
                }
            }
            return new WorkerAdverts(latest.values());
        } catch (RuntimeException e) {
            log.debug("no worker adverts read from {}: {}", topic, e.getMessage());
            return none();
        }
    }
}
