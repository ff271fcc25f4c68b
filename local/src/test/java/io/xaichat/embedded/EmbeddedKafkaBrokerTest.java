package io.xaichat.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.TopicReader;
import io.xaichat.testkit.TopicReader.TopicRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault and lifecycle tests: each runs its own broker, never the shared one. */
class EmbeddedKafkaBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void restartKeepsRecordsAndCommittedOffsetsAndServesClientsAgain() throws Exception {
        String topic = Names.unique("restart");
        String group = Names.unique("group");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault();
             KafkaHandle kafka = KafkaHandle.of(broker)) {
            String bootstrap = broker.bootstrapServers();
            Path logDir = broker.logDir();
            kafka.createTopic(topic, 2);
            for (int i = 0; i < 3; i++) {
                kafka.send(topic, "k" + i, "before-" + i);
            }
            assertThat(consumeAndCommit(bootstrap, group, topic, 3)).containsExactlyInAnyOrder(
                    "before-0", "before-1", "before-2");

            broker.restart();

            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(broker.logDir()).isEqualTo(logDir);
            kafka.send(topic, "k3", "after-3");
            kafka.send(topic, "k4", "after-4");
            // The group resumes from its committed offsets: only the records sent after the restart.
            assertThat(consumeAndCommit(bootstrap, group, topic, 2)).containsExactlyInAnyOrder("after-3", "after-4");
            assertThat(TopicReader.read(bootstrap, topic, 5, WAIT)).extracting(TopicRecord::valueString)
                    .containsExactlyInAnyOrder("before-0", "before-1", "before-2", "after-3", "after-4");
        }
    }

    @Test
    void fixedPortAndGivenLogDirAreUsedAndTheDirIsKeptForTheNextBroker(@TempDir Path parent) throws Exception {
        int port = FreePorts.loopback();
        Path logDir = parent.resolve("kafka-data");
        String topic = Names.unique("kept");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(port).logDir(logDir).build().start();
             KafkaHandle kafka = KafkaHandle.of(broker)) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            kafka.send(topic, "key", "kept value");
        }

        assertThat(logDir.resolve("meta.properties")).isRegularFile();
        assertThat(isFree(port)).as("port %d released on close", port).isTrue();
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().port(port).logDir(logDir).build().start()) {
            assertThat(TopicReader.read(again.bootstrapServers(), topic, 1, WAIT))
                    .extracting(TopicRecord::keyString, TopicRecord::valueString)
                    .containsExactly(tuple("key", "kept value"));
        }
    }

    @Test
    void acceptsMultiMegabyteRecordsAndCloseDeletesTheTemporaryLogDirAndFreesThePort() throws Exception {
        String topic = Names.unique("large");
        byte[] image = new byte[6 * 1024 * 1024];
        Arrays.fill(image, (byte) 7);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault();
        Path logDir = broker.logDir();
        int port = broker.port();
        try (KafkaHandle kafka = KafkaHandle.of(broker)) {
            kafka.send(new ProducerRecord<>(topic, "big", image));
            List<TopicRecord> read = TopicReader.read(broker.bootstrapServers(), topic, 1, WAIT);
            assertThat(read.get(0).value()).isEqualTo(image);
        } finally {
            broker.close();
        }

        assertThat(logDir).doesNotExist();
        assertThat(isFree(port)).as("port %d released on close", port).isTrue();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aBusyPortFailsTheStartWithAMessageNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(taken.getLocalPort()).build()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Cannot start Kafka broker: port " + taken.getLocalPort() + " on 127.0.0.1 is in use"
                            + " (Address already in use); choose another port or 0 for a free one");
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void rejectsPortsOutsideTheTcpRange() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka port must be 0 (pick a free port) or 1-65535, got 70000");
    }

    private static List<String> consumeAndCommit(String bootstrap, String group, String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
            return values;
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
