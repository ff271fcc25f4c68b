package io.xaichat.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** A consumer group's committed offsets against the ends of a topic, read with the admin client. */
public final class GroupOffsets {
    private GroupOffsets() {}

    /** The group's committed offset per partition of {@code topic}; 0 where nothing is committed. */
    public static Map<TopicPartition, Long> committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return partitions(admin, topic).stream().collect(Collectors.toMap(p -> p,
                p -> committed.get(p) == null ? 0L : committed.get(p).offset()));
    }

    /** Records not committed by {@code group}, per partition of {@code topic}. */
    public static Map<TopicPartition, Long> lag(Admin admin, String group, String topic) throws Exception {
        Set<TopicPartition> partitions = partitions(admin, topic);
        var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committed = committed(admin, group, topic);
        return partitions.stream().collect(Collectors.toMap(p -> p, p -> ends.get(p).offset() - committed.get(p)));
    }

    /** No partition stalls: waits until the group's committed offset is the end of every partition. */
    public static void awaitNoLag(Admin admin, String group, String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> lag;
        do {
            lag = lag(admin, group, topic);
            if (lag.values().stream().allMatch(l -> l == 0)) return;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("partitions of " + topic + " stalled; lag per partition: " + lag);
    }

    private static Set<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
    }
}
