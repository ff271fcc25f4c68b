package io.xaichat.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.xaichat.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic from its beginning, in a consumer group of its own, and waits until what it has read satisfies
 * a condition. Everything read stays in the reader, so successive waits see all records so far.
 *
 * <p>The topic need not exist yet: the reader subscribes by pattern, which picks the topic up once it is created
 * without auto-creating it. It reads committed data only ({@code read_committed}), as a real client would. Not
 * thread-safe; close it after use.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicRecord> records = new ArrayList<>();

    private TopicReader(String bootstrapServers, String topic) {
        this.topic = topic;
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, Names.unique("topic-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // Notice a topic created after the reader subscribed within half a second.
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(Pattern.compile(Pattern.quote(topic)));
    }

    public static TopicReader open(String bootstrapServers, String topic) {
        return new TopicReader(bootstrapServers, topic);
    }

    /** Reads until {@code count} records have arrived and returns them all. */
    public static List<TopicRecord> read(String bootstrapServers, String topic, int count, Duration timeout) {
        try (TopicReader reader = open(bootstrapServers, topic)) {
            return reader.awaitCount(count, timeout);
        }
    }

    /** Waits until at least {@code count} records have been read; returns all read so far. */
    public List<TopicRecord> awaitCount(int count, Duration timeout) {
        return awaitUntil(read -> read.size() >= count, "at least " + count + " records", timeout);
    }

    /** Waits until a record matches; returns the first match. */
    public TopicRecord awaitRecord(Predicate<TopicRecord> match, Duration timeout) {
        List<TopicRecord> read = awaitUntil(all -> all.stream().anyMatch(match), "a matching record", timeout);
        return read.stream().filter(match).findFirst().orElseThrow();
    }

    /**
     * Waits until {@code done} holds for all records read so far and returns them; fails with an
     * {@link AssertionError} naming {@code expectation} when {@code timeout} passes first.
     */
    public List<TopicRecord> awaitUntil(Predicate<List<TopicRecord>> done, String expectation, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(Collections.unmodifiableList(records))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Topic " + topic + ": expected " + expectation + " within " + timeout
                        + " but read " + records.size() + " record(s)" + lastFew());
            }
            pollOnce(Duration.ofNanos(Math.min(left, POLL.toNanos())));
        }
        return List.copyOf(records);
    }

    /** Keeps reading for {@code period} (e.g. to check that no extra records arrive); returns all read so far. */
    public List<TopicRecord> readFor(Duration period) {
        long deadline = System.nanoTime() + period.toNanos();
        for (long left = period.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            pollOnce(Duration.ofNanos(Math.min(left, POLL.toNanos())));
        }
        return List.copyOf(records);
    }

    /** All records read so far, without polling. */
    public List<TopicRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private void pollOnce(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            records.add(TopicRecord.of(record));
        }
    }

    private String lastFew() {
        if (records.isEmpty()) {
            return "";
        }
        List<TopicRecord> tail = records.subList(Math.max(0, records.size() - 3), records.size());
        StringBuilder text = new StringBuilder("; last:");
        for (TopicRecord record : tail) {
            String value = record.valueString();
            text.append("\n  key=").append(record.keyString()).append(" value=")
                    .append(value == null || value.length() <= 300 ? value : value.substring(0, 300) + "...");
        }
        return text.toString();
    }

    /**
     * One record as read. Keys, values and header values are raw bytes ({@code null} when absent); the
     * {@code ...String} accessors decode them as UTF-8.
     */
    public record TopicRecord(String topic, int partition, long offset, long timestamp,
                              byte[] key, byte[] value, List<RecordHeader> headers) {

        static TopicRecord of(ConsumerRecord<byte[], byte[]> record) {
            List<RecordHeader> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                headers.add(new RecordHeader(header.key(), header.value()));
            }
            return new TopicRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value(), List.copyOf(headers));
        }

        public String keyString() {
            return utf8(key);
        }

        public String valueString() {
            return utf8(value);
        }

        /** The last value of header {@code name} as UTF-8 text; empty if absent or null. */
        public Optional<String> header(String name) {
            for (int i = headers.size() - 1; i >= 0; i--) {
                if (headers.get(i).name().equals(name)) {
                    return Optional.ofNullable(utf8(headers.get(i).value()));
                }
            }
            return Optional.empty();
        }

        private static String utf8(byte[] bytes) {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A record header: a name and raw value bytes (may be null). */
    public record RecordHeader(String name, byte[] value) {
    }
}
