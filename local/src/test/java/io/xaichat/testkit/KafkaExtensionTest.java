package io.xaichat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.xaichat.testkit.TopicReader.TopicRecord;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void producesAndConsumesThroughTheSharedBroker(KafkaHandle kafka) {
        String topic = Names.unique("roundtrip");
        ProducerRecord<String, byte[]> withHeader =
                new ProducerRecord<>(topic, "job-1", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        withHeader.headers().add("xaichat-kind", "chat".getBytes(StandardCharsets.UTF_8));
        kafka.send(withHeader);
        kafka.send(topic, "job-2", "{\"n\":2}");

        try (TopicReader reader = kafka.reader(topic)) {
            List<TopicRecord> read = reader.awaitCount(2, WAIT);
            assertThat(read).extracting(TopicRecord::keyString).containsExactly("job-1", "job-2");
            assertThat(read.get(0).valueString()).isEqualTo("{\"n\":1}");
            assertThat(read.get(0).header("xaichat-kind")).contains("chat");
            assertThat(read.get(1).header("xaichat-kind")).isEmpty();
        }
    }

    @Test
    void createsTopicsWithTheRequestedPartitions(KafkaHandle kafka) throws Exception {
        String topic = Names.unique("partitions");
        kafka.createTopic(topic, 3);

        TopicDescription description = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertThat(description.partitions()).hasSize(3);
        assertThatThrownBy(() -> kafka.createTopic(topic, 3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot create topic " + topic + " with 3 partitions");
    }

    @Test
    void everyTestGetsTheSameBroker(KafkaHandle first, KafkaHandle second) {
        assertThat(second).isSameAs(first);
        assertThat(first.bootstrapServers()).isNotBlank();
    }

    @Test
    void readerPicksUpATopicCreatedAfterItSubscribedAndReportsWhatItReadOnTimeout(KafkaHandle kafka) {
        String topic = Names.unique("late");
        try (TopicReader reader = kafka.reader(topic)) {
            assertThat(reader.readFor(Duration.ofMillis(300))).isEmpty();
            kafka.send(topic, "k", "only one");

            TopicRecord found = reader.awaitRecord(r -> "only one".equals(r.valueString()), WAIT);
            assertThat(found.topic()).isEqualTo(topic);
            assertThatThrownBy(() -> reader.awaitCount(2, Duration.ofMillis(500)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Topic " + topic + ": expected at least 2 records")
                    .hasMessageContaining("read 1 record(s)")
                    .hasMessageContaining("value=only one");
        }
        assertThat(kafka.admin()).isNotNull();
    }
}
