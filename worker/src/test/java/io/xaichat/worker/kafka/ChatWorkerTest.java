package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.StreamChunk;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.TopicReader.TopicRecord;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.LlamaChatEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Chat jobs through the real runtime: Kafka broker, Redis, llama.cpp with a tiny model. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class ChatWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static Path model;

    KafkaHandle kafka;
    Topics topics;
    String replyTopic;
    Worker worker;
    LlamaChatEngine engine;
    Replies replies;

    @BeforeAll
    static void writeModel() {
        model = TinyGgufModels.qwen2(dir);
    }

    @BeforeEach
    void startWorker(KafkaHandle kafka, RedisHandle redis) {
        this.kafka = kafka;
        // Every test starts from an empty cache: the model, and so the cache keys, are shared by the tests.
        try (var jedis = new redis.clients.jedis.JedisPooled(java.net.URI.create(redis.url()))) {
            jedis.flushAll();
        }
        topics = new Topics(Names.unique("chat"));
        replyTopic = topics.prefix() + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        engine = TestWorkers.tinyChat(model);
        worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(), topics.prefix(), "w1",
                JobKind.CHAT), engine);
        replies = new Replies(kafka.bootstrapServers(), replyTopic);
    }

    @AfterEach
    void stop() {
        replies.close();
        worker.close();
    }

    private JobEnvelope job(String id, ChatRequest request) {
        return JobEnvelope.of(id, JobKind.CHAT, replyTopic, request);
    }

    private static ChatRequest hello() {
        return ChatRequest.ofMessages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Say hello")))
                .withTemperature(0).withMaxTokens(8);
    }

    private void send(JobEnvelope job) {
        kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(), Json.toBytes(job)));
    }

    private void sendRaw(String key, byte[] value) {
        kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), key, value));
    }

    @Test
    void answersAChatJobOnItsReplyTopic() {
        send(job("job-1", hello()));

        TopicRecord record = replies.reader().awaitRecord(r -> Replies.isResult(r), WAIT);
        ResultEnvelope result = Replies.result(record);
        assertThat(record.keyString()).isEqualTo("job-1");
        assertThat(record.header(RecordHeaders.CORRELATION_ID)).contains("job-1");
        assertThat(result.status()).isEqualTo(ResultStatus.OK);
        assertThat(result.kind()).isEqualTo(JobKind.CHAT);
        assertThat(result.text()).isNotEmpty();
        assertThat(result.usage().promptTokens()).isGreaterThan(5);
        assertThat(result.usage().completionTokens()).isBetween(1, 8);
        assertThat(result.cached()).isFalse();
        assertThat(result.workerId()).isEqualTo("w1");
        assertThat(result.model()).isEqualTo(engine.modelId());
        assertThat(result.timings().totalMs()).isGreaterThanOrEqualTo(result.timings().computeMs());
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void aRepeatedJobIsAnsweredFromTheCacheWithoutInference() {
        send(job("first", hello()));
        ResultEnvelope first = replies.await("first", WAIT);
        send(job("second", hello()));
        ResultEnvelope second = replies.await("second", WAIT);

        assertThat(first.cached()).isFalse();
        assertThat(second.cached()).isTrue();
        assertThat(second.jobId()).isEqualTo("second");
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.usage()).isEqualTo(first.usage());
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void cachePolicyBypassAndRefreshCompute() {
        send(job("a", hello()));
        replies.await("a", WAIT);
        send(job("b", hello()).withCache(CachePolicy.BYPASS));
        send(job("c", hello()).withCache(CachePolicy.REFRESH));
        send(job("d", hello()));
        assertThat(replies.await("b", WAIT).cached()).isFalse();
        assertThat(replies.await("c", WAIT).cached()).isFalse();
        assertThat(replies.await("d", WAIT).cached()).isTrue();
        assertThat(engine.inferenceCount()).isEqualTo(3);
    }

    @Test
    void nonDeterministicRequestsAreNotCachedByDefault() {
        ChatRequest sampled = ChatRequest.ofPrompt("Once upon a time").withTemperature(0.9).withMaxTokens(6);
        send(job("s1", sampled));
        send(job("s2", sampled));
        assertThat(replies.await("s1", WAIT).cached()).isFalse();
        assertThat(replies.await("s2", WAIT).cached()).isFalse();
        assertThat(engine.inferenceCount()).isEqualTo(2);
    }

    @Test
    void streamsChunksInOrderThenTheResult() {
        ChatRequest request = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(12)
                .withStream(true);
        send(job("streamed", request));

        replies.await("streamed", WAIT);
        List<TopicRecord> records = replies.records().stream().filter(r -> r.keyString().equals("streamed")).toList();
        List<StreamChunk> chunks = records.stream().filter(Replies::isChunk).map(Replies::chunk).toList();
        ResultEnvelope result = Replies.result(records.get(records.size() - 1));

        assertThat(Replies.isResult(records.get(records.size() - 1))).as("the result comes last").isTrue();
        assertThat(chunks).isNotEmpty();
        assertThat(chunks).extracting(StreamChunk::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, chunks.size()).boxed().toList());
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(StreamChunk::last);
        assertThat(chunks.get(chunks.size() - 1).last()).isTrue();
        // Batch size 2 in tests: a 12-token answer makes several chunks, not one.
        assertThat(chunks.size()).isGreaterThan(2);
        assertThat(String.join("", chunks.stream().map(StreamChunk::delta).toList())).isEqualTo(result.text());
    }

    @Test
    void maxTokensAndStopAreHonoured() {
        // Token counts are exact for ASCII output (see CompletionTokenCounter); this request produces ASCII.
        send(job("limit", hello().withMaxTokens(3)));
        ResultEnvelope limited = replies.await("limit", WAIT);
        assertThat(limited.usage().completionTokens()).as(Json.toString(limited)).isEqualTo(3);
        assertThat(limited.finishReason()).isEqualTo("length");

        send(job("long", ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(12)));
        String full = replies.await("long", WAIT).text();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        String before = full.substring(0, full.indexOf(stop));
        send(job("stopped", ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(12)
                .withStop(List.of(stop))));
        ResultEnvelope stopped = replies.await("stopped", WAIT);
        assertThat(stopped.text()).isEqualTo(before);
        assertThat(stopped.finishReason()).isEqualTo("stop");
    }

    @Test
    void aFixedSeedGivesTheSameOutput() {
        ChatRequest seeded = ChatRequest.ofPrompt("Once upon a time").withTemperature(0.9).withSeed(1234).withMaxTokens(10);
        send(job("x", seeded).withCache(CachePolicy.BYPASS));
        send(job("y", seeded).withCache(CachePolicy.BYPASS));
        send(job("z", seeded.withSeed(99)).withCache(CachePolicy.BYPASS));
        String x = replies.await("x", WAIT).text();
        String y = replies.await("y", WAIT).text();
        String z = replies.await("z", WAIT).text();
        assertThat(y).isEqualTo(x);
        assertThat(z).isNotEqualTo(x);
        assertThat(engine.inferenceCount()).isEqualTo(3);
    }

    @Test
    void badInputEndsInTheDeadLetterTopicAndTheNextJobCompletes() {
        String reply = "{\"reply_to\":\"" + replyTopic + "\"";
        sendRaw("malformed", ("{not json").getBytes(StandardCharsets.UTF_8));
        sendRaw("schema", (reply + ",\"job_id\":\"schema\",\"kind\":\"chat\"}").getBytes(StandardCharsets.UTF_8));
        sendRaw("kind", (reply + ",\"job_id\":\"kind\",\"kind\":\"audio\"}").getBytes(StandardCharsets.UTF_8));
        send(job("too-long", ChatRequest.ofPrompt("word ".repeat(2000))));
        sendRaw("oversize", ("{\"pad\":\"" + "x".repeat(TestWorkers.MAX_RECORD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8));
        send(JobEnvelope.of("wrong-topic", JobKind.IMAGE, replyTopic,
                new io.xaichat.schema.ImageRequest("a cat", null, null, null, null, null, null)));
        send(new JobEnvelope(1, "other-model", JobKind.CHAT, replyTopic, java.time.Instant.now(), null,
                "some-other-model", CachePolicy.AUTO, Json.MAPPER.valueToTree(hello())));
        send(job("greedy", hello().withMaxTokens(TestWorkers.MAX_TOKENS + 1)));
        send(job("good", hello()));

        ResultEnvelope good = replies.await("good", WAIT);
        assertThat(good.status()).isEqualTo(ResultStatus.OK);

        List<TopicRecord> dlq = io.xaichat.testkit.TopicReader.read(kafka.bootstrapServers(), topics.deadLetter(), 8, WAIT);
        assertThat(dlq).extracting(TopicRecord::keyString)
                .containsExactlyInAnyOrder("malformed", "schema", "kind", "too-long", "oversize", "wrong-topic", "other-model",
                        "greedy");
        assertThat(dlq).allSatisfy(r -> {
            assertThat(r.header(RecordHeaders.ERROR_CODE)).isPresent();
            assertThat(r.header(RecordHeaders.ERROR_MESSAGE)).isPresent();
            assertThat(r.header(RecordHeaders.ORIGINAL_TOPIC)).contains(topics.jobs(JobKind.CHAT));
        });
        assertThat(code(dlq, "malformed")).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(code(dlq, "schema")).isEqualTo(ErrorCode.SCHEMA_VIOLATION);
        assertThat(code(dlq, "kind")).isEqualTo(ErrorCode.UNKNOWN_KIND);
        assertThat(code(dlq, "too-long")).isEqualTo(ErrorCode.PROMPT_TOO_LONG);
        assertThat(code(dlq, "oversize")).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(code(dlq, "wrong-topic")).isEqualTo(ErrorCode.WRONG_TOPIC);
        assertThat(code(dlq, "other-model")).isEqualTo(ErrorCode.MODEL_MISMATCH);
        assertThat(code(dlq, "greedy")).isEqualTo(ErrorCode.INVALID_REQUEST);
        // The DLQ keeps the original bytes.
        assertThat(dlq.stream().filter(r -> r.keyString().equals("malformed")).findFirst().orElseThrow().valueString())
                .isEqualTo("{not json");

        // Error results go to reply_to whenever it could be read (not for the malformed and oversized records).
        List<ResultEnvelope> errors = replies.awaitAll(java.util.Set.of("schema", "kind", "too-long", "wrong-topic",
                "other-model", "greedy"), WAIT).stream().filter(r -> r.status() == ResultStatus.ERROR).toList();
        assertThat(errors).extracting(ResultEnvelope::jobId)
                .containsExactlyInAnyOrder("schema", "kind", "too-long", "wrong-topic", "other-model", "greedy");
        assertThat(errors).allSatisfy(e -> assertThat(e.error().message()).isNotBlank());
        ResultEnvelope tooLong = errors.stream().filter(e -> e.jobId().equals("too-long")).findFirst().orElseThrow();
        assertThat(tooLong.error().message()).contains("256");
        assertThat(errors.stream().filter(e -> e.jobId().equals("greedy")).findFirst().orElseThrow().error().message())
                .contains("max_tokens " + (TestWorkers.MAX_TOKENS + 1)).contains("limit of " + TestWorkers.MAX_TOKENS);
    }

    @Test
    void anExpiredJobIsAnsweredExpiredWithoutComputing() {
        send(job("late", hello()).withDeadline(java.time.Instant.now().minusSeconds(5)));
        send(job("on-time", hello()).withDeadline(java.time.Instant.now().plusSeconds(600)));
        ResultEnvelope late = replies.await("late", WAIT);
        ResultEnvelope onTime = replies.await("on-time", WAIT);
        assertThat(late.status()).isEqualTo(ResultStatus.EXPIRED);
        assertThat(late.error().code()).isEqualTo(ErrorCode.DEADLINE_EXPIRED);
        assertThat(onTime.status()).isEqualTo(ResultStatus.OK);
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void identicalJobsOnTwoWorkersAtOnceComputeOnce(RedisHandle redis) throws Exception {
        LlamaChatEngine second = TestWorkers.tinyChat(model);
        try (Worker other = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(),
                topics.prefix(), "w2", JobKind.CHAT), second)) {
            awaitEveryMemberAssigned(worker.config().groupId(JobKind.CHAT), 2);
            // The same request on both partitions at once: each worker takes one.
            ChatRequest same = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(48);
            for (int partition = 0; partition < 2; partition++) {
                JobEnvelope job = job("twin-" + partition, same);
                kafka.producer().send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), partition, job.jobId(),
                        Json.toBytes(job)));
            }
            kafka.producer().flush();
            ResultEnvelope a = replies.await("twin-0", WAIT);
            ResultEnvelope b = replies.await("twin-1", WAIT);

            assertThat(java.util.Set.of(a.workerId(), b.workerId())).containsExactlyInAnyOrder("w1", "w2");
            assertThat(engine.inferenceCount() + second.inferenceCount()).isEqualTo(1);
            assertThat(a.text()).isEqualTo(b.text());
            assertThat(a.cached() ^ b.cached()).isTrue();
        }
    }

    private void awaitEveryMemberAssigned(String group, int members) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var description = kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
            if (description.members().size() == members
                    && description.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("group " + group + " did not assign partitions to " + members + " members");
    }

    private static ErrorCode code(List<TopicRecord> dlq, String key) {
        return dlq.stream().filter(r -> r.keyString().equals(key)).findFirst().orElseThrow()
                .header(RecordHeaders.ERROR_CODE).map(ErrorCode::fromWire).orElseThrow();
    }
}
