package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.TopicReader;
import io.xaichat.testkit.TopicReader.TopicRecord;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.AggregatingReplyingKafkaTemplate;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The worker as Spring Kafka's request/reply templates (spring-kafka 3.3, the real library) meet it: the template
 * sets {@code kafka_replyTopic}, {@code kafka_correlationId} and, for a partition-assigned reply container,
 * {@code kafka_replyPartition}; the job body carries no {@code reply_to}.
 */
@ExtendWith(KafkaExtension.class)
class SpringKafkaInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static KafkaHandle kafka;
    static Topics topics;
    static Worker worker;

    private final List<AutoCloseable> templates = new ArrayList<>();
    private ListAppender<ILoggingEvent> springLog;

    @BeforeAll
    static void startWorker(KafkaHandle handle) {
        kafka = handle;
        topics = new Topics(Names.unique("spring"));
        // A Spring application names its own reply topics: the worker's allow-list admits them (--reply-topics).
        worker = TestWorkers.start(TestWorkers.config(Map.of("reply-topics", topics.prefix() + ".spring.*"),
                kafka.bootstrapServers(), null, topics.prefix(), "spring-w", JobKind.CHAT),
                TestWorkers.tinyChat(TinyGgufModels.qwen2(dir)));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) worker.close();
    }

    @BeforeEach
    void captureTemplateLog() {
        springLog = new ListAppender<>();
        springLog.start();
        ((Logger) LoggerFactory.getLogger("org.springframework.kafka")).addAppender(springLog);
    }

    @AfterEach
    void stopTemplates() throws Exception {
        ((Logger) LoggerFactory.getLogger("org.springframework.kafka")).detachAppender(springLog);
        for (AutoCloseable t : templates) t.close();
    }

    /** A chat job as a Spring application would write it: no reply_to, the template supplies the headers. */
    private static String job(String id, boolean stream, String replyTo) {
        return "{\"schema_version\":1,\"job_id\":\"" + id + "\",\"kind\":\"chat\",\"created_at\":\"" + Instant.now()
                + "\"" + (replyTo == null ? "" : ",\"reply_to\":\"" + replyTo + "\"")
                + ",\"cache\":\"bypass\",\"request\":{\"prompt\":\"Once upon a time\",\"max_tokens\":10,\"temperature\":0"
                + (stream ? ",\"stream\":true" : "") + "}}";
    }

    private ProducerRecord<String, String> request(String id, boolean stream, String replyTo) {
        return new ProducerRecord<>(topics.jobs(JobKind.CHAT), id, job(id, stream, replyTo));
    }

    /** One job through a fresh template on a fresh one-partition reply topic; returns the template's reply. */
    private ConsumerRecord<String, String> ask(String replyTopic, String id, boolean stream) throws Exception {
        return template(replyTopic, null).sendAndReceive(request(id, stream, null)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void replyingTemplateGetsTheResultOfAPlainJob() throws Exception {
        ConsumerRecord<String, String> reply = ask(newTopic("plain", 1), "plain-1", false);

        JsonNode result = tree(reply.value());
        assertThat(result.get("status").asText()).isEqualTo("ok");
        assertThat(result.get("job_id").asText()).isEqualTo("plain-1");
        assertThat(result.get("output").asText()).isNotEmpty();
        assertNoTemplateErrors();
    }

    @Test
    void replyingTemplateGetsTheFinalResultOfAStreamedJobAndNoChunkReachesItsTopic() throws Exception {
        String replyTopic = newTopic("streamed", 1);
        ConsumerRecord<String, String> reply = ask(replyTopic, "streamed-1", true);

        JsonNode result = tree(reply.value());
        assertThat(result.get("status").asText()).as(reply.value()).isEqualTo("ok");
        assertThat(result.has("seq")).as("a result, not a chunk").isFalse();
        assertThat(header(reply, RecordHeaders.MESSAGE_TYPE)).isEqualTo(RecordHeaders.TYPE_RESULT);
        // Give any chunk time to land after the result (none may): the reply topic holds the result alone.
        try (TopicReader reader = TopicReader.open(kafka.bootstrapServers(), replyTopic)) {
            assertThat(reader.readFor(Duration.ofSeconds(2))).hasSize(1);
        }
        assertNoTemplateErrors();
    }

    @Test
    void streamedChunksGoToTheStreamTopicCorrelatedWithoutTheSpringHeader() throws Exception {
        String replyTopic = newTopic("with-stream", 1);
        String streamTopic = newTopic("chunks", 1);
        ReplyingKafkaTemplate<String, String, String> template = template(replyTopic, null);
        ProducerRecord<String, String> request = request("streamed-2", true, null);
        request.headers().add(RecordHeaders.STREAM_TOPIC, streamTopic.getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, String> reply = template.sendAndReceive(request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String correlation = header(reply, RecordHeaders.CORRELATION_ID);

        List<TopicRecord> chunks;
        try (TopicReader reader = TopicReader.open(kafka.bootstrapServers(), streamTopic)) {
            chunks = reader.awaitUntil(all -> all.stream().anyMatch(r -> r.valueString().contains("\"final\":true")),
                    "the final chunk", WAIT);
        }
        assertThat(chunks.size()).isGreaterThan(1);
        StringBuilder text = new StringBuilder();
        for (TopicRecord c : chunks) {
            assertThat(c.header(RecordHeaders.CORRELATION_ID)).as("no Spring correlation header on chunks").isEmpty();
            assertThat(c.header(RecordHeaders.XAICHAT_CORRELATION_ID)).contains(correlation);
            text.append(tree(c.valueString()).get("delta").asText());
        }
        assertThat(text.toString()).isEqualTo(tree(reply.value()).get("output").asText());
        assertThat(header(reply, RecordHeaders.XAICHAT_CORRELATION_ID)).isEqualTo(correlation);
        assertNoTemplateErrors();
    }

    @Test
    void aBodyReplyToEqualToTheHeaderIsAcceptedAndADifferentOneIsRefused() throws Exception {
        String replyTopic = newTopic("conflict", 1);
        String other = newTopic("elsewhere", 1);
        ReplyingKafkaTemplate<String, String, String> template = template(replyTopic, null);

        JsonNode same = tree(template.sendAndReceive(request("same-1", false, replyTopic))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS).value());
        JsonNode refused = tree(template.sendAndReceive(request("differs-1", false, other))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS).value());

        assertThat(same.get("status").asText()).isEqualTo("ok");
        assertThat(refused.get("status").asText()).isEqualTo("error");
        assertThat(refused.at("/error/code").asText()).isEqualTo(ErrorCode.REPLY_CONFLICT.wire());
        assertThat(refused.at("/error/message").asText()).contains(other).contains(replyTopic);
        List<TopicRecord> dlq = TopicReader.read(kafka.bootstrapServers(), topics.deadLetter(), 1, WAIT);
        assertThat(dlq).anySatisfy(r -> {
            assertThat(r.keyString()).isEqualTo("differs-1");
            assertThat(r.header(RecordHeaders.ERROR_CODE)).contains(ErrorCode.REPLY_CONFLICT.wire());
        });
        try (TopicReader elsewhere = TopicReader.open(kafka.bootstrapServers(), other)) {
            assertThat(elsewhere.readFor(Duration.ofSeconds(2))).as("nothing goes to the body's topic").isEmpty();
        }
    }

    /** Spring's partition-assigned reply containers: three templates share one topic, one partition each. */
    @Test
    void eachTemplateOfAPartitionAssignedReplyTopicGetsItsOwnReply() throws Exception {
        String replyTopic = newTopic("assigned", 3);
        List<ReplyingKafkaTemplate<String, String, String>> three = new ArrayList<>();
        for (int p = 0; p < 3; p++) three.add(template(replyTopic, p));

        List<org.springframework.kafka.requestreply.RequestReplyFuture<String, String, String>> futures = new ArrayList<>();
        for (int p = 0; p < 3; p++) futures.add(three.get(p).sendAndReceive(request("assigned-" + p, p == 1, null)));

        for (int p = 0; p < 3; p++) {
            ConsumerRecord<String, String> reply = futures.get(p).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply.partition()).isEqualTo(p);
            assertThat(tree(reply.value()).get("job_id").asText()).isEqualTo("assigned-" + p);
            assertThat(tree(reply.value()).get("status").asText()).isEqualTo("ok");
        }
        assertNoTemplateErrors();
    }

    @Test
    void aggregatingTemplateReleasesOnTheResultStreamedOrNot() throws Exception {
        String replyTopic = newTopic("aggregating", 1);
        AggregatingReplyingKafkaTemplate<String, String, String> template = aggregating(replyTopic);

        for (boolean stream : new boolean[] {false, true}) {
            String id = "aggregated-" + stream;
            ConsumerRecord<String, Collection<ConsumerRecord<String, String>>> released = template
                    .sendAndReceive(request(id, stream, null)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<ConsumerRecord<String, String>> replies = new ArrayList<>(released.value());
            assertThat(replies).hasSize(1);
            JsonNode result = tree(replies.get(0).value());
            assertThat(result.get("job_id").asText()).isEqualTo(id);
            assertThat(result.get("status").asText()).isEqualTo("ok");
        }
        assertNoTemplateErrors();
    }

    /** Guards the assertions above: a record without the correlation header is logged, and the capture sees it. */
    @Test
    void theLogCaptureSeesWhatTheTemplateComplainsAbout() throws Exception {
        String replyTopic = newTopic("complaint", 1);
        template(replyTopic, null);
        kafka.send(replyTopic, "stray", "{\"not\":\"a reply\"}");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> springLog.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("No correlationId found")));
    }

    private void assertNoTemplateErrors() {
        assertThat(springLog.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                || e.getFormattedMessage().contains("No pending reply")
                || e.getFormattedMessage().contains("No correlationId")).extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }

    private static String newTopic(String name, int partitions) {
        String topic = topics.prefix() + ".spring." + name;
        kafka.createTopic(topic, partitions);
        return topic;
    }

    private DefaultKafkaProducerFactory<String, String> producerFactory() {
        return new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static ConsumerFactory<String, String> consumerFactory() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, Names.unique("spring-replies"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new DefaultKafkaConsumerFactory<>(props);
    }

    /** @param partition null: the container subscribes to the topic; else it is assigned that one partition */
    private ReplyingKafkaTemplate<String, String, String> template(String replyTopic, Integer partition)
            throws InterruptedException {
        ContainerProperties props = partition == null ? new ContainerProperties(replyTopic)
                : new ContainerProperties(new TopicPartitionOffset(replyTopic, partition));
        KafkaMessageListenerContainer<String, String> container = new KafkaMessageListenerContainer<>(consumerFactory(),
                props);
        ReplyingKafkaTemplate<String, String, String> template = new ReplyingKafkaTemplate<>(producerFactory(), container);
        template.setDefaultReplyTimeout(WAIT);
        template.start();
        templates.add(template::destroy);
        if (partition == null) assertThat(template.waitForAssignment(WAIT)).isTrue();
        return template;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private AggregatingReplyingKafkaTemplate<String, String, String> aggregating(String replyTopic)
            throws InterruptedException {
        ContainerProperties props = new ContainerProperties(replyTopic);
        props.setAckMode(ContainerProperties.AckMode.MANUAL);
        KafkaMessageListenerContainer<String, Collection<ConsumerRecord<String, String>>> container =
                new KafkaMessageListenerContainer<>((ConsumerFactory) consumerFactory(), props);
        // Release on the result: with chunks out of the reply topic it is the one record per job.
        AggregatingReplyingKafkaTemplate<String, String, String> template = new AggregatingReplyingKafkaTemplate<>(
                producerFactory(), container, (records, timedOut) -> !records.isEmpty());
        template.setDefaultReplyTimeout(WAIT);
        template.start();
        templates.add(template::destroy);
        assertThat(template.waitForAssignment(WAIT)).isTrue();
        return template;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String json) {
        try {
            return Json.tree(json.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
