package io.xaichat.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.xaichat.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's view of a Kafka broker: where it is, plus topic creation and an admin client.
 *
 * <p>{@link KafkaExtension} injects the broker shared by every test in the JVM. Do not stop or restart that one:
 * fault tests create their own broker and wrap it:
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault();
 *      KafkaHandle kafka = KafkaHandle.of(broker)) {
 *     kafka.restart();
 * }
 * }</pre>
 */
public final class KafkaHandle extends ServerHandle {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private Admin admin;
    private KafkaProducer<String, byte[]> producer;

    private KafkaHandle(String bootstrapServers, EmbeddedKafkaBroker embedded, AutoCloseable owned) {
        super(bootstrapServers, embedded, owned);
        this.bootstrapServers = bootstrapServers;
    }

    /** Wraps a broker the caller owns: closing the handle closes only its admin client, not the broker. */
    public static KafkaHandle of(EmbeddedKafkaBroker broker) {
        return new KafkaHandle(broker.bootstrapServers(), broker, null);
    }

    /** A handle that closes {@code broker} when it is closed. */
    static KafkaHandle owning(EmbeddedKafkaBroker broker) {
        return new KafkaHandle(broker.bootstrapServers(), broker, broker);
    }

    /** A handle for a broker outside this JVM (a container) that closes {@code resource} when it is closed. */
    static KafkaHandle owning(String bootstrapServers, AutoCloseable resource) {
        return new KafkaHandle(bootstrapServers, null, resource);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code bootstrap.servers} alone, as a starting point for client configs. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** An admin client owned by this handle (do not close it). */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientConfig());
        }
        return admin;
    }

    /** Sends one record with a UTF-8 value and waits until the broker has it (acks=all). */
    public RecordMetadata send(String topic, String key, String value) {
        return send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends one record (e.g. with headers) and waits until the broker has it (acks=all). */
    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        return await(producer().send(record), "send to topic " + record.topic());
    }

    /** A producer owned by this handle (do not close it): acks=all, records up to the broker's 16 MiB limit. */
    public synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES,
                    ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Creates a topic with replication factor 1; fails if it exists. */
    public void createTopic(String name, int partitions) {
        await(admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(),
                "create topic " + name + " with " + partitions + " partitions");
    }

    /** A reader of {@code topic} from its beginning, in its own consumer group; close it after use. */
    public TopicReader reader(String topic) {
        return TopicReader.open(bootstrapServers, topic);
    }

    @Override
    public synchronized void close() throws Exception {
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        } finally {
            super.close();
        }
    }

    private <T> T await(Future<T> call, String action) {
        try {
            return call.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot " + action + " on " + bootstrapServers + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not " + action + " on " + bootstrapServers + " within "
                    + CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + action, e);
        }
    }
}
