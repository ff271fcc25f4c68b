package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.GroupOffsets;
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
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import io.xaichat.worker.gguf.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several jobs in flight per worker: the cache-hit path, single-flight with concurrency above one, out-of-order
 * completion with contiguous-prefix commits, and a revoke while jobs run. Real broker, Redis and llama.cpp.
 */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class ConcurrentJobsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    static Path tiny;
    /** Slow enough (~10 ms a token on one thread) that jobs are still running when the test acts. */
    static Path slow;

    KafkaHandle kafka;
    RedisHandle redis;
    Topics topics;
    String replyTopic;
    Replies replies;

    @BeforeAll
    static void writeModels() {
        tiny = TinyGgufModels.qwen2(dir);
        slow = TinyGgufModels.write(new ModelSpec("qwen2", 512, 8, 8, 2, 1536, 288, 4096, TensorType.F16, 42),
                dir.resolve("slow-qwen2.gguf"));
    }

    @BeforeEach
    void setUp(KafkaHandle kafka, RedisHandle redis) {
        this.kafka = kafka;
        this.redis = redis;
        try (var jedis = new redis.clients.jedis.JedisPooled(java.net.URI.create(redis.url()))) {
            jedis.flushAll();
        }
        topics = new Topics(Names.unique("concurrent"));
        replyTopic = topics.prefix() + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        replies = new Replies(kafka.bootstrapServers(), replyTopic);
    }

    @AfterEach
    void tearDown() {
        replies.close();
    }

    private WorkerConfig config(String workerId, int concurrency) {
        return TestWorkers.config(Map.of("chat-concurrency", String.valueOf(concurrency)), kafka.bootstrapServers(),
                redis.url(), topics.prefix(), workerId, JobKind.CHAT);
    }

    private static LlamaChatEngine slowChat() {
        return new LlamaChatEngine(ChatEngineConfig.defaults(slow).withThreads(1).withContextLength(1024)
                .withDefaultMaxTokens(16));
    }

    private JobEnvelope job(String id, ChatRequest request) {
        return JobEnvelope.of(id, JobKind.CHAT, replyTopic, request);
    }

    private static ChatRequest same() {
        return ChatRequest.ofPrompt("Say hello").withTemperature(0).withMaxTokens(8);
    }

    /** A greedy job of its own (no cache hit) that generates {@code tokens} tokens. */
    private static ChatRequest distinct(String id, int tokens) {
        return ChatRequest.ofPrompt("Tell story " + id).withTemperature(0).withMaxTokens(tokens);
    }

    private long send(JobEnvelope job, Integer partition) {
        return kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), partition, job.jobId(), Json.toBytes(job)))
                .offset();
    }

    /** Results per job id, after waiting a little for late duplicates. */
    private Map<String, Long> resultsPerJob(Set<String> ids) {
        replies.awaitAll(ids, WAIT);
        return replies.reader().readFor(Duration.ofSeconds(2)).stream().filter(Replies::isResult)
                .collect(Collectors.groupingBy(TopicRecord::keyString, Collectors.counting()));
    }

    @Test
    void fiveThousandCacheHitsAreEachAnsweredExactlyOnce() throws Exception {
        LlamaChatEngine engine = TestWorkers.tinyChat(tiny);
        try (Worker worker = TestWorkers.start(config("w1", 1), engine)) {
            send(job("warm", same()), null);
            replies.await("warm", WAIT);

            var producer = kafka.producer();
            Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 5000; i++) {
                JobEnvelope job = job("hit-" + i, same());
                ids.add(job.jobId());
                producer.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(), Json.toBytes(job)));
            }
            producer.flush();

            Map<String, Long> counts = resultsPerJob(ids);
            assertThat(counts.keySet()).containsAll(ids);
            assertThat(counts.entrySet()).allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1));
            List<ResultEnvelope> hits = replies.records().stream().filter(Replies::isResult).map(Replies::result)
                    .filter(r -> r.jobId().startsWith("hit-")).toList();
            assertThat(hits).hasSize(5000).allSatisfy(r -> assertThat(r.cached()).isTrue());
            assertThat(engine.inferenceCount()).isEqualTo(1);
            GroupOffsets.awaitNoLag(kafka.admin(), worker.config().groupId(JobKind.CHAT), topics.jobs(JobKind.CHAT),
                    Duration.ofSeconds(30));
        }
    }

    @Test
    void identicalJobsComputeOnceWithSeveralInFlightOnEachOfTwoWorkers() throws Exception {
        LlamaChatEngine a = TestWorkers.tinyChat(tiny);
        LlamaChatEngine b = TestWorkers.tinyChat(tiny);
        try (Worker w1 = TestWorkers.start(config("w1", 4), a); Worker w2 = TestWorkers.start(config("w2", 4), b)) {
            awaitMembers(w1.config().groupId(JobKind.CHAT), 2);
            ChatRequest request = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(48);
            Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 16; i++) {
                JobEnvelope job = job("twin-" + i, request);
                ids.add(job.jobId());
                kafka.producer().send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), i % 2, job.jobId(),
                        Json.toBytes(job)));
            }
            kafka.producer().flush();

            Map<String, Long> counts = resultsPerJob(ids);
            assertThat(counts).hasSize(16).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
            List<ResultEnvelope> results = replies.records().stream().filter(Replies::isResult).map(Replies::result)
                    .toList();
            assertThat(results).extracting(ResultEnvelope::workerId).contains("w1", "w2");
            assertThat(results).extracting(ResultEnvelope::text).containsOnly(results.get(0).text());
            assertThat(results.stream().filter(r -> !r.cached())).hasSize(1);
            assertThat(a.inferenceCount() + b.inferenceCount()).isEqualTo(1);
        }
    }

    @Test
    void jobsFinishOutOfOrderAndCommitsStopAtTheFirstUnansweredJob() throws Exception {
        LlamaChatEngine engine = slowChat();
        try (Worker worker = TestWorkers.start(config("w1", 2), engine)) {
            send(job("warm", same()), 0);
            replies.await("warm", WAIT);
            String group = worker.config().groupId(JobKind.CHAT);
            GroupOffsets.awaitNoLag(kafka.admin(), group, topics.jobs(JobKind.CHAT), Duration.ofSeconds(30));

            // One long job (a long prompt takes seconds to read), then cache hits behind it on the same partition.
            long longOffset = send(job("long", ChatRequest.ofPrompt("story ".repeat(150)).withTemperature(0)
                    .withMaxTokens(200)), 0);
            Set<String> hits = IntStream.range(0, 20).mapToObj(i -> "hit-" + i).collect(Collectors.toSet());
            for (String id : hits) {
                kafka.producer().send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), 0, id, Json.toBytes(job(id, same()))));
            }
            kafka.producer().flush();
            replies.awaitAll(hits, WAIT);

            assertThat(replies.records().stream().filter(Replies::isResult).map(TopicRecord::keyString))
                    .as("the hits overtook the running job").doesNotContain("long");
            TopicPartition p0 = new TopicPartition(topics.jobs(JobKind.CHAT), 0);
            Thread.sleep(500); // several commit intervals
            assertThat(GroupOffsets.committed(kafka.admin(), group, topics.jobs(JobKind.CHAT)).get(p0))
                    .as("nothing past the running job is committed").isEqualTo(longOffset);
            assertThat(worker.flowState(JobKind.CHAT).commitLag()).anySatisfy(l -> assertThat(l.records()).isEqualTo(21));

            assertThat(replies.await("long", WAIT).cached()).isFalse();
            GroupOffsets.awaitNoLag(kafka.admin(), group, topics.jobs(JobKind.CHAT), Duration.ofSeconds(30));
        }
    }

    @Test
    void aRevokeWhileJobsRunFinishesThemAndTheNewOwnerRedoesNone() throws Exception {
        LlamaChatEngine first = slowChat();
        LlamaChatEngine second = slowChat();
        try (Worker w1 = TestWorkers.start(config("w1", 2), first)) {
            awaitMembers(w1.config().groupId(JobKind.CHAT), 1);
            Set<String> ids = IntStream.range(0, 12).mapToObj(i -> "job-" + i).collect(Collectors.toSet());
            int n = 0;
            for (String id : ids) send(job(id, distinct(id, 40)), n++ % 2);
            replies.reader().awaitRecord(Replies::isResult, WAIT);
            int answeredBefore = (int) replies.records().stream().filter(Replies::isResult).count();

            // A second member: the group revokes one of w1's two partitions while its jobs run.
            try (Worker w2 = TestWorkers.start(config("w2", 2), second)) {
                Map<String, Long> counts = resultsPerJob(ids);
                assertThat(counts).hasSize(12).allSatisfy((id, c) -> assertThat(c).as(id).isEqualTo(1));
                Map<String, String> by = replies.records().stream().filter(Replies::isResult).map(Replies::result)
                        .collect(Collectors.toMap(ResultEnvelope::jobId, ResultEnvelope::workerId, (x, y) -> x));
                assertThat(answeredBefore).as("the revoke came mid-run").isLessThan(10);
                assertThat(by.values()).as("both workers answered jobs").contains("w1", "w2");
                assertThat(first.inferenceCount() + second.inferenceCount()).isEqualTo(12);
                GroupOffsets.awaitNoLag(kafka.admin(), w1.config().groupId(JobKind.CHAT), topics.jobs(JobKind.CHAT),
                        Duration.ofSeconds(30));
            }
        }
    }

    private void awaitMembers(String group, int members) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var d = kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
                if (d.members().size() == members
                        && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // the group does not exist yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("group " + group + " did not assign partitions to " + members + " members");
    }
}
