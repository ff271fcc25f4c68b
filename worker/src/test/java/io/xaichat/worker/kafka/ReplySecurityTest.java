package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.Replies;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a job may make the worker do: reply only to existing allowed topics (never job, dead-letter or internal
 * topics, never creating one), bounded headers and bounded bytes out, honest queue times, and log lines that
 * record-supplied text cannot forge. Each test is a hole an adversarial run found.
 */
@ExtendWith(KafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplySecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Small enough that a long stream would exceed it, large enough for every ordinary answer here. */
    private static final long MAX_REPLY_BYTES = 8192;

    @TempDir
    static Path dir;

    KafkaHandle kafka;
    Topics topics;
    String replyTopic;
    String springPattern;
    Worker worker;
    Replies replies;

    @BeforeAll
    void startWorker(KafkaHandle kafka) {
        this.kafka = kafka;
        topics = new Topics(Names.unique("replysec"));
        replyTopic = topics.prefix() + ".replies.test";
        springPattern = topics.prefix() + "-spring.*";
        kafka.createTopic(replyTopic, 1);
        worker = TestWorkers.start(TestWorkers.config(Map.of("max-reply-bytes", String.valueOf(MAX_REPLY_BYTES),
                "reply-topics", springPattern), kafka.bootstrapServers(), null, topics.prefix(), "w-sec",
                JobKind.CHAT), TestWorkers.tinyChat(TinyGgufModels.qwen2(dir)));
        replies = new Replies(kafka.bootstrapServers(), replyTopic);
    }

    @AfterAll
    void stop() {
        replies.close();
        worker.close();
    }

    private static ChatRequest hello() {
        return ChatRequest.ofPrompt("Say hello").withTemperature(0).withMaxTokens(4);
    }

    private void send(JobEnvelope job) {
        kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(), Json.toBytes(job)));
    }

    private List<TopicRecord> deadLetters(Set<String> keys) {
        try (TopicReader reader = TopicReader.open(kafka.bootstrapServers(), topics.deadLetter())) {
            return reader.awaitUntil(rs -> rs.stream().map(TopicRecord::keyString).collect(Collectors.toSet())
                    .containsAll(keys), keys.size() + " dead letters " + keys, WAIT).stream()
                    .filter(r -> keys.contains(r.keyString())).toList();
        }
    }

    private static ErrorCode code(List<TopicRecord> dlq, String key) {
        return dlq.stream().filter(r -> key.equals(r.keyString())).findFirst().orElseThrow()
                .header(RecordHeaders.ERROR_CODE).map(ErrorCode::fromWire).orElseThrow();
    }

    private long endOffsets(String topic) throws Exception {
        var description = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return kafka.admin().listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    @Test
    void repliesToJobDeadLetterAndInternalTopicsAreRefusedWithADeadLetterAndNoReply() throws Exception {
        Set<String> topicsBefore = kafka.admin().listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
                .listInternal(true)).names().get();
        Map<String, String> targets = Map.of(
                "to-chat-jobs", topics.jobs(JobKind.CHAT),
                "to-image-jobs", topics.jobs(JobKind.IMAGE),
                "to-dlq", topics.deadLetter(),
                "to-offsets", "__consumer_offsets",
                "to-txn-state", "__transaction_state",
                "to-dot", ".",
                "to-dotdot", "..");
        long jobsBefore = endOffsets(topics.jobs(JobKind.CHAT));
        for (var t : targets.entrySet()) send(JobEnvelope.of(t.getKey(), JobKind.CHAT, t.getValue(), hello()));
        send(JobEnvelope.of("after-refusals", JobKind.CHAT, replyTopic, hello()));

        assertThat(replies.await("after-refusals", WAIT).status()).isEqualTo(ResultStatus.OK);
        List<TopicRecord> dlq = deadLetters(targets.keySet());
        for (String key : targets.keySet()) assertThat(code(dlq, key)).as(key).isEqualTo(ErrorCode.REPLY_REFUSED);
        assertThat(dlq).allSatisfy(r -> assertThat(r.header(RecordHeaders.ERROR_MESSAGE).orElseThrow())
                .contains("reply topic"));
        // Nothing but dead letters on the DLQ: a result there would carry no error headers.
        try (TopicReader all = TopicReader.open(kafka.bootstrapServers(), topics.deadLetter())) {
            assertThat(all.readFor(Duration.ofSeconds(1))).allSatisfy(r ->
                    assertThat(r.header(RecordHeaders.ERROR_CODE)).isPresent());
        }
        // The job topic holds the 8 jobs sent and no result fed back into it.
        assertThat(endOffsets(topics.jobs(JobKind.CHAT))).isEqualTo(jobsBefore + 8);
        Set<String> topicsAfter = kafka.admin().listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
                .listInternal(true)).names().get();
        if (!topicsBefore.contains("__transaction_state")) assertThat(topicsAfter).doesNotContain("__transaction_state");
        assertThat(topicsAfter).doesNotContain(topics.jobs(JobKind.IMAGE));
        assertThat(replies.records()).noneMatch(r -> targets.containsKey(r.keyString()));
    }

    @Test
    void missingReplyTopicsAreRefusedFastAndNeverCreated() throws Exception {
        kafka.createTopic(topics.prefix() + ".replies.a_b", 1);
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) names.add(topics.prefix() + ".replies.nobody-" + i);
        names.add(topics.prefix() + ".replies.a.b"); // collides with .replies.a_b once '.' and '_' are folded
        long start = System.nanoTime();
        for (int i = 0; i < names.size(); i++) {
            ids.add("missing-" + i);
            send(JobEnvelope.of("missing-" + i, JobKind.CHAT, names.get(i), hello()));
        }
        send(JobEnvelope.of("after-missing", JobKind.CHAT, replyTopic, hello()));
        assertThat(replies.await("after-missing", WAIT).status()).isEqualTo(ResultStatus.OK);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        List<TopicRecord> dlq = deadLetters(Set.copyOf(ids));
        for (String id : ids) assertThat(code(dlq, id)).isEqualTo(ErrorCode.REPLY_REFUSED);
        assertThat(code(dlq, "missing-20")).isEqualTo(ErrorCode.REPLY_REFUSED);
        Set<String> existing = kafka.admin().listTopics().names().get();
        assertThat(existing).doesNotContainAnyElementsOf(names);
        // Before the reply policy each missing topic cost up to two 10 s max.block.ms waits (or created it).
        assertThat(tookMs).as("21 refused replies and one answer, in ms").isLessThan(20_000);
    }

    @Test
    void topicsOutsideTheAllowListAreRefusedAndConfiguredPatternsAllowed() throws Exception {
        String outside = topics.prefix() + "-elsewhere";
        String spring = topics.prefix() + "-spring.replies";
        kafka.createTopic(outside, 1);
        kafka.createTopic(spring, 1);
        send(JobEnvelope.of("outside", JobKind.CHAT, outside, hello()));
        send(JobEnvelope.of("spring", JobKind.CHAT, spring, hello()));
        try (Replies springReplies = new Replies(kafka.bootstrapServers(), spring)) {
            assertThat(springReplies.await("spring", WAIT).status()).isEqualTo(ResultStatus.OK);
        }
        assertThat(code(deadLetters(Set.of("outside")), "outside")).isEqualTo(ErrorCode.REPLY_REFUSED);
        try (TopicReader reader = TopicReader.open(kafka.bootstrapServers(), outside)) {
            assertThat(reader.readFor(Duration.ofSeconds(1))).isEmpty();
        }
    }

    @Test
    void anOversizedCorrelationIdIsRejectedAndNeverEchoed() throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.jobs(JobKind.CHAT), "long-correlation",
                Json.toBytes(JobEnvelope.of("long-correlation", JobKind.CHAT, replyTopic, hello())));
        record.headers().add(RecordHeaders.CORRELATION_ID, "c".repeat(1000).getBytes(StandardCharsets.UTF_8));
        kafka.send(record);
        ProducerRecord<String, byte[]> fine = new ProducerRecord<>(topics.jobs(JobKind.CHAT), "short-correlation",
                Json.toBytes(JobEnvelope.of("short-correlation", JobKind.CHAT, replyTopic, hello())));
        fine.headers().add(RecordHeaders.CORRELATION_ID, "c".repeat(256).getBytes(StandardCharsets.UTF_8));
        kafka.send(fine);

        assertThat(code(deadLetters(Set.of("long-correlation")), "long-correlation"))
                .isEqualTo(ErrorCode.HEADER_TOO_LARGE);
        TopicRecord error = replies.reader().awaitRecord(r -> "long-correlation".equals(r.keyString())
                && Replies.isResult(r), WAIT);
        assertThat(error.header(RecordHeaders.CORRELATION_ID)).contains("long-correlation");
        assertThat(Replies.result(error).error().code()).isEqualTo(ErrorCode.HEADER_TOO_LARGE);
        TopicRecord ok = replies.reader().awaitRecord(r -> "short-correlation".equals(r.keyString())
                && Replies.isResult(r), WAIT);
        assertThat(ok.header(RecordHeaders.CORRELATION_ID)).contains("c".repeat(256));
    }

    @Test
    void headersCountTowardsTheRecordSizeLimit() throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.jobs(JobKind.CHAT), "fat-header",
                Json.toBytes(JobEnvelope.of("fat-header", JobKind.CHAT, replyTopic, hello())));
        record.headers().add("padding", new byte[TestWorkers.MAX_RECORD_BYTES + 1]);
        kafka.send(record);
        assertThat(code(deadLetters(Set.of("fat-header")), "fat-header")).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
    }

    @Test
    void theBytesOneJobPublishesAreBounded() throws Exception {
        send(JobEnvelope.of("long-stream", JobKind.CHAT, replyTopic,
                ChatRequest.ofPrompt("Tell a long story").withTemperature(0).withMaxTokens(200).withStream(true)));
        ResultEnvelope result = replies.await("long-stream", WAIT);
        assertThat(result.status()).isEqualTo(ResultStatus.OK);
        assumeThat(result.usage().completionTokens()).as("a stream long enough to exceed the budget").isGreaterThan(100);

        List<TopicRecord> records = replies.records().stream().filter(r -> "long-stream".equals(r.keyString())).toList();
        long bytes = records.stream().mapToLong(ReplySecurityTest::size).sum();
        List<TopicRecord> chunks = records.stream().filter(Replies::isChunk).toList();
        // The final chunk is sent even when the stream's half is spent (it carries no text then): allow for it.
        long finalChunk = size(chunks.get(chunks.size() - 1));
        assertThat(bytes - finalChunk).as("bytes published for one job").isLessThanOrEqualTo(MAX_REPLY_BYTES);
        assertThat(Replies.chunk(chunks.get(chunks.size() - 1)).last()).isTrue();
        assertThat(chunks.stream().filter(c -> Replies.chunk(c).last()).count()).isEqualTo(1);
    }

    private static long size(TopicRecord r) {
        long total = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        for (TopicReader.RecordHeader h : r.headers()) total += h.name().length() + (h.value() == null ? 0 : h.value().length);
        return total;
    }

    @Test
    void queueTimeComesFromTheBrokerTimestampNotFromCreatedAt() throws Exception {
        JobEnvelope ancient = new JobEnvelope(1, "ancient", JobKind.CHAT, replyTopic,
                Instant.parse("0001-01-01T00:00:00Z"), null, null, null, Json.MAPPER.valueToTree(hello()));
        send(ancient);
        ResultEnvelope result = replies.await("ancient", WAIT);
        assertThat(result.status()).isEqualTo(ResultStatus.OK);
        assertThat(result.timings().queueMs()).isBetween(0L, WAIT.toMillis());
        assertThat(result.timings().totalMs()).isBetween(0L, WAIT.toMillis());
    }

    @Test
    void duplicateJsonKeysAreMalformed() throws Exception {
        String json = Json.toString(JobEnvelope.of("dup-keys", JobKind.CHAT, replyTopic, hello()));
        String twice = json.replaceFirst("\\{", "{\"reply_to\":\"" + topics.jobs(JobKind.CHAT) + "\",");
        kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), "dup-keys", twice.getBytes(StandardCharsets.UTF_8)));
        assertThat(code(deadLetters(Set.of("dup-keys")), "dup-keys")).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void recordSuppliedControlCharactersCannotForgeLogLines() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(JobProcessor.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            String forged = "evil\n2026-01-01 00:00:00.000 INFO  [main] io.xaichat.Fake - admin logged in";
            kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), forged, "{not json".getBytes(StandardCharsets.UTF_8)));
            deadLetters(Set.of(forged));
            List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("evil")).toList();
            assertThat(lines).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContain("\n").contains("evil\\n"));
        } finally {
            logger.detachAppender(captured);
        }
    }
}
