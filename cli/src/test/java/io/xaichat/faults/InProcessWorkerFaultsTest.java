package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedRedis;
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
import io.xaichat.testkit.GroupOffsets;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.TopicReader;
import io.xaichat.testkit.TopicReader.TopicRecord;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.LlamaChatEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a worker must absorb while it keeps running: its cache going away and coming back, a storm of bad records,
 * jobs past their deadline. The worker runs in this JVM (its engine's inference count is checked), on the shared
 * broker; each test uses topics of its own.
 */
@Tag("faults")
@ExtendWith(KafkaExtension.class)
class InProcessWorkerFaultsTest {
    static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = TinyGgufModels.qwen2(dir);
    }

    private static ClientConfig client(KafkaHandle kafka, String prefix) {
        return ClientConfig.of(kafka.bootstrapServers()).withTopicPrefix(prefix).withTimeout(JobKind.CHAT, WAIT);
    }

    @Test
    void redisStoppedAndRestartedJobsKeepCompletingAndCachingResumes(KafkaHandle kafka) throws Exception {
        String prefix = Names.unique("redis-outage");
        try (EmbeddedRedis redis = EmbeddedRedis.startDefault();
             LlamaChatEngine engine = TestWorkers.tinyChat(model);
             Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(), prefix, "w1",
                     JobKind.CHAT), engine);
             XaiChatClient client = XaiChatClient.start(client(kafka, prefix))) {
            JobTally tally = new JobTally(client);
            tally.submit("before", 10, 8);
            tally.awaitAnswered(10, WAIT);

            redis.stop();
            tally.submit("during", 20, 8);
            tally.awaitAnswered(30, WAIT);
            boolean cacheSeenDown = !worker.cacheStatus().up();

            redis.start(); // a fresh, empty Redis on the same port
            ResultEnvelope first = awaitOne(tally, deterministic("after-1"));
            ResultEnvelope second = awaitOne(tally, deterministic("after-2"));

            Map<String, ResultEnvelope> results = tally.awaitAll(WAIT);
            ReliabilityReport.Row row = ReliabilityReport.write("3-redis-outage", tally.row("Redis stopped, restarted",
                    "1 worker; 10 jobs, Redis stopped, 20 jobs, Redis restarted (empty), a deterministic job twice:"
                            + " 2nd answered cached=" + second.cached(), Duration.ofSeconds(1)));

            assertThat(row.lost()).isZero();
            assertThat(cacheSeenDown).as("the worker noticed the outage").isTrue();
            assertThat(results.values()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.OK));
            assertThat(results.entrySet()).filteredOn(e -> e.getKey().startsWith("during"))
                    .allSatisfy(e -> assertThat(e.getValue().cached()).isFalse());
            assertThat(first.cached()).isFalse();
            assertThat(second.cached()).as("caching resumed after the restart").isTrue();
            assertThat(second.text()).isEqualTo(first.text());
            assertThat(worker.cacheStatus().up()).isTrue();
        }
    }

    private static JobEnvelope deterministic(String jobId) {
        return JobEnvelope.of(jobId, JobKind.CHAT, null, ChatRequest.ofPrompt("The same question again")
                .withTemperature(0).withMaxTokens(8));
    }

    private static ResultEnvelope awaitOne(JobTally tally, JobEnvelope job) throws InterruptedException {
        int before = tally.answered();
        tally.submit(job);
        tally.awaitAnswered(before + 1, WAIT);
        return tally.awaitAll(WAIT).get(job.jobId());
    }

    @Test
    void poisonStormOf1000BadRecordsAmong100GoodJobs(KafkaHandle kafka) throws Exception {
        int good = 100;
        int bad = 1_000;
        String prefix = Names.unique("poison");
        Topics topics = new Topics(prefix);
        String jobTopic = topics.jobs(JobKind.CHAT);
        String replyTopic = prefix + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        try (LlamaChatEngine engine = TestWorkers.tinyChat(model);
             Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), null, prefix, "w1",
                     JobKind.CHAT), engine);
             Replies replies = new Replies(kafka.bootstrapServers(), replyTopic);
             TopicReader dlq = kafka.reader(topics.deadLetter())) {
            Poison poison = new Poison(new Random(7), replyTopic);
            Set<String> goodIds = new HashSet<>();
            long t0 = System.nanoTime();
            for (int i = 0, sentBad = 0; i < good + bad; i++) {
                if (i % 11 == 5 && goodIds.size() < good) {
                    JobEnvelope job = JobEnvelope.of("good-" + i, JobKind.CHAT, replyTopic,
                            ChatRequest.ofPrompt("Good job " + i).withTemperature(0).withMaxTokens(4));
                    goodIds.add(job.jobId());
                    kafka.producer().send(new ProducerRecord<>(jobTopic, job.jobId(), Json.toBytes(job)));
                } else if (sentBad < bad) {
                    kafka.producer().send(poison.record(jobTopic, sentBad++));
                }
            }
            kafka.producer().flush();
            assertThat(goodIds).hasSize(good);

            List<ResultEnvelope> answers = replies.awaitAll(goodIds, WAIT);
            List<TopicRecord> dead = dlq.awaitCount(bad, WAIT);
            long stormMs = (System.nanoTime() - t0) / 1_000_000;
            dead = dlq.readFor(Duration.ofSeconds(1));

            Map<String, List<ResultEnvelope>> goodAnswers = answers.stream().filter(r -> goodIds.contains(r.jobId()))
                    .collect(Collectors.groupingBy(ResultEnvelope::jobId));
            long duplicates = goodAnswers.values().stream().mapToLong(l -> l.size() - 1).sum();
            ReliabilityReport.Row row = ReliabilityReport.write("4-poison-storm", new ReliabilityReport.Row(
                    "poison-message storm", good, goodAnswers.size(), good - goodAnswers.size(), duplicates,
                    "1 worker; " + bad + " malformed/invalid records (" + String.join(", ", poison.kinds())
                            + ") interleaved with " + good + " good jobs; " + dead.size() + " records in the DLQ; "
                            + "consumer lag 0 after " + stormMs + " ms"));

            assertThat(row.lost()).isZero();
            assertThat(goodAnswers.values()).allSatisfy(l -> assertThat(l.get(0).status()).isEqualTo(ResultStatus.OK));
            assertThat(dead).hasSize(bad);
            assertThat(dead).allSatisfy(r -> assertThat(r.header(RecordHeaders.ERROR_CODE)).isPresent());
            assertThat(engine.inferenceCount()).isEqualTo(good);
            assertNoLag(kafka, worker.config().groupId(JobKind.CHAT), jobTopic);
        }
    }

    /** No partition stalls: the group's committed offset is the end of every partition. */
    private static void assertNoLag(KafkaHandle kafka, String group, String topic) throws Exception {
        GroupOffsets.awaitNoLag(kafka.admin(), group, topic, Duration.ofSeconds(30));
    }

    /** The bad records of the storm, one kind after the other. */
    private static final class Poison {
        private final Random random;
        private final String replyTopic;
        private final List<String> kinds = List.of("random bytes", "truncated JSON", "non-object JSON", "empty",
                "schema violation", "unknown kind", "image job on the chat topic", "wrong model",
                "invalid max_tokens", "oversized record");

        Poison(Random random, String replyTopic) {
            this.random = random;
            this.replyTopic = replyTopic;
        }

        List<String> kinds() {
            return kinds;
        }

        ProducerRecord<String, byte[]> record(String topic, int n) {
            String id = "bad-" + n;
            String valid = new String(Json.toBytes(JobEnvelope.of(id, JobKind.CHAT, replyTopic,
                    ChatRequest.ofPrompt("x").withMaxTokens(4))), StandardCharsets.UTF_8);
            byte[] value = switch (n % kinds.size()) {
                case 0 -> randomBytes(1 + random.nextInt(300));
                case 1 -> valid.substring(0, 1 + random.nextInt(valid.length() - 1)).getBytes(StandardCharsets.UTF_8);
                case 2 -> "[1,2,3]".getBytes(StandardCharsets.UTF_8);
                case 3 -> new byte[0];
                case 4 -> valid.replace("\"request\"", "\"requets\"").getBytes(StandardCharsets.UTF_8);
                case 5 -> valid.replace("\"kind\":\"chat\"", "\"kind\":\"audio\"").getBytes(StandardCharsets.UTF_8);
                case 6 -> valid.replace("\"kind\":\"chat\"", "\"kind\":\"image\"").getBytes(StandardCharsets.UTF_8);
                case 7 -> valid.replace("\"cache\"", "\"model\":\"no-such-model\",\"cache\"")
                        .getBytes(StandardCharsets.UTF_8);
                case 8 -> valid.replace("\"max_tokens\":4", "\"max_tokens\":-1").getBytes(StandardCharsets.UTF_8);
                default -> ("{\"pad\":\"" + "x".repeat(TestWorkers.MAX_RECORD_BYTES) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            };
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, id, value);
            // Spring-style header: even a record that cannot be read gets an error result.
            record.headers().add(new RecordHeader(RecordHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8)));
            return record;
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }
    }

    @Test
    void expiredDeadlinesAreAnsweredExpiredWithoutInference(KafkaHandle kafka) throws Exception {
        String prefix = Names.unique("expired");
        try (LlamaChatEngine engine = TestWorkers.tinyChat(model);
             Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), null, prefix, "w1",
                     JobKind.CHAT), engine);
             XaiChatClient client = XaiChatClient.start(client(kafka, prefix))) {
            JobTally tally = new JobTally(client);
            Instant past = Instant.now().minusSeconds(1);
            for (int i = 0; i < 20; i++) {
                JobEnvelope job = JobTally.chatJob("job-" + i, 8);
                tally.submit(i % 2 == 0 ? job.withDeadline(past) : job);
            }
            Map<String, ResultEnvelope> results = tally.awaitAll(WAIT);
            ReliabilityReport.Row row = ReliabilityReport.write("5-expired", tally.row("expired deadlines",
                    "1 worker; 20 jobs, 10 with a deadline already past: answered `expired`, engine inference count "
                            + engine.inferenceCount() + " (= the 10 live jobs)", Duration.ofSeconds(1)));

            assertThat(row.lost()).isZero();
            assertThat(results.values().stream().filter(r -> r.status() == ResultStatus.EXPIRED))
                    .hasSize(10)
                    .allSatisfy(r -> {
                        assertThat(Integer.parseInt(r.jobId().substring(4)) % 2).isZero();
                        assertThat(r.error().code()).isEqualTo(ErrorCode.DEADLINE_EXPIRED);
                        assertThat(r.output()).isNull();
                    });
            assertThat(results.values().stream().filter(ResultEnvelope::ok)).hasSize(10);
            assertThat(engine.inferenceCount()).isEqualTo(10);
        }
    }
}
