package io.xaichat.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates and deletes reply topics; owns (and closes) the admin client it is given. */
final class ReplyTopics {
    private static final Logger log = LoggerFactory.getLogger(ReplyTopics.class);
    /** Answers are read as they arrive; a day covers a client that reconnects to a shared topic. */
    private static final String RETENTION_MS = String.valueOf(Duration.ofDays(1).toMillis());

    private final Admin admin;

    ReplyTopics(Admin admin) {
        this.admin = admin;
    }

    /**
     * Creates the reply topic unless it exists; replication is 3, or the cluster size if smaller.
     *
     * @param wait bounds the whole call, closing the admin client included
     * @throws BrokerUnavailableException when no broker answers within {@code wait}
     */
    void ensure(ClientConfig config, String topic, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        try {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
                if (e instanceof ExecutionException && !(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
                    throw e;
                }
                throw new BrokerUnavailableException("no Kafka broker answered at " + config.bootstrapServers()
                        + " within " + JobTimeoutException.readable(wait), e);
            }
            if (existing.contains(topic)) return;
            int brokers = admin.describeCluster().nodes().get(left(until), TimeUnit.MILLISECONDS).size();
            short replication = (short) Math.max(1, Math.min(3, brokers));
            NewTopic t = new NewTopic(topic, config.replyPartitions(), replication)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, RETENTION_MS,
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(2 * XaiChatClient.MAX_REQUEST_BYTES)));
            try {
                admin.createTopics(List.of(t)).all().get(left(until), TimeUnit.MILLISECONDS);
                log.debug("created reply topic {} with {} partitions", topic, config.replyPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating reply topic " + topic, e);
        } catch (BrokerUnavailableException e) {
            throw e;
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("could not create reply topic " + topic + " at "
                    + config.bootstrapServers() + ": " + (cause.getMessage() != null ? cause.getMessage() : cause), e);
        } finally {
            admin.close(Duration.ofMillis(Math.max(0, left(until)))); // never the default: it waits for pending calls
        }
    }

    private static long left(long untilNanos) {
        return Math.max(1, (untilNanos - System.nanoTime()) / 1_000_000);
    }

    void delete(String topic) {
        try (admin) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not delete reply topic {}: {}", topic, e.getMessage());
        }
    }

    /** The topic's partitions, waiting for a just-created topic's metadata to appear. */
    static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofMillis(left(until)));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new BrokerUnavailableException("reply topic " + topic + " has no partitions after " + wait, e);
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("reply topic " + topic + " has no partitions after " + wait);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for reply topic " + topic, e);
            }
        }
    }
}
