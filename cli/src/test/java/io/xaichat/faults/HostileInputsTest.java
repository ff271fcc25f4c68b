package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatRequest;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of hostile record in {@link HostileRecords}, once each, through a real worker: each must end as its
 * expected dead-letter code (with an error result where a reply topic could be read and allowed), no topic may be
 * created, and a good job after them is answered. Writes the table of RELIABILITY.md to
 * {@code target/reliability/hostile-inputs.md}.
 */
@Tag("faults")
@ExtendWith(KafkaExtension.class)
class HostileInputsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    @Test
    void everyHostileInputEndsAsItsExpectedOutcome(KafkaHandle kafka) throws Exception {
        Topics topics = new Topics(Names.unique("hostile"));
        HostileRecords hostile = HostileRecords.onTopicsOf(kafka, topics);
        String replyTopic = hostile.replyTopic();
        assertThat(hostile.kinds()).hasSizeGreaterThanOrEqualTo(40);

        try (Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), null, topics.prefix(),
                "w-hostile", JobKind.CHAT), TestWorkers.tinyChat(TinyGgufModels.qwen2(dir)));
             Replies replies = new Replies(kafka.bootstrapServers(), replyTopic);
             TopicReader dlq = kafka.reader(topics.deadLetter())) {
            warmUp(kafka, topics, replies);
            Set<String> before = topicNames(kafka);
            Map<String, HostileRecords.Kind> byKey = new HashMap<>();
            List<HostileRecords.Kind> kinds = hostile.kinds();
            for (int i = 0; i < kinds.size(); i++) {
                String key = HostileRecords.key(kinds.get(i), "h-" + i);
                ProducerRecord<String, byte[]> r = kinds.get(i).make().apply("h-" + i);
                kafka.send(new ProducerRecord<>(r.topic(), null, key, r.value(), r.headers()));
                byKey.put(key, kinds.get(i));
            }
            JobEnvelope good = JobEnvelope.of("good-after", JobKind.CHAT, replyTopic,
                    ChatRequest.ofPrompt("hello").withMaxTokens(4));
            kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), good.jobId(), Json.toBytes(good)));
            assertThat(replies.await("good-after", WAIT).status()).isEqualTo(ResultStatus.OK);

            int expectedDead = hostile.deadLettered().size();
            List<TopicRecord> dead = dlq.awaitCount(expectedDead, WAIT);
            Map<String, String> deadCode = dead.stream().collect(Collectors.toMap(TopicRecord::keyString,
                    r -> r.header(RecordHeaders.ERROR_CODE).orElse("(none)"), (a, b) -> a + "," + b));
            // Error results go out before their dead letters, but the reader may not have seen them all yet.
            replies.reader().readFor(Duration.ofSeconds(3));
            Map<String, List<ResultEnvelope>> results = replies.records().stream().filter(Replies::isResult)
                    .collect(Collectors.groupingBy(TopicRecord::keyString,
                            Collectors.mapping(Replies::result, Collectors.toList())));

            List<String> rows = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < kinds.size(); i++) {
                HostileRecords.Kind kind = kinds.get(i);
                String key = HostileRecords.key(kind, "h-" + i);
                String code = deadCode.getOrDefault(key, null);
                List<ResultEnvelope> answers = results.getOrDefault(key, List.of());
                String answered = answers.isEmpty() ? "none" : answers.stream()
                        .map(r -> r.status().name().toLowerCase() + (r.error() == null ? "" : " " + r.error().code())
                                + (r.timings() == null ? "" : ", queue_ms " + r.timings().queueMs()))
                        .collect(Collectors.joining("; "));
                boolean ok = kind.code() == null
                        ? code == null && answers.size() == 1
                        : kind.code().equals(code) && (kind.errorResult() ? answers.size() == 1 : answers.isEmpty());
                if (kind.code() == null && !answers.isEmpty() && answers.get(0).timings() != null) {
                    ok &= answers.get(0).timings().queueMs() < WAIT.toMillis();
                }
                if (!ok) wrong.add(kind.name() + ": dead letter " + code + ", results " + answered);
                rows.add("| " + (i + 1) + " | " + kind.name() + " | " + (code == null ? "—" : "`" + code + "`")
                        + " | " + answered + " |");
            }
            Set<String> after = topicNames(kafka);
            Files.createDirectories(ReliabilityReport.DIR);
            Files.writeString(ReliabilityReport.DIR.resolve("hostile-inputs.md"),
                    "| # | hostile input | dead letter | result on the reply topic |\n|---:|---|---|---|\n"
                            + String.join("\n", rows) + "\n");
            rows.forEach(r -> System.out.println("HOSTILE " + r));

            assertThat(wrong).as("kinds with another outcome than expected").isEmpty();
            assertThat(dead).hasSize(expectedDead);
            assertThat(after).as("topics created by hostile records").isEqualTo(before);
        }
    }

    /** One good job first: its offset commit creates __consumer_offsets on a fresh broker, which is not a hostile effect. */
    static void warmUp(KafkaHandle kafka, Topics topics, Replies replies) {
        JobEnvelope job = JobEnvelope.of("warm-up", JobKind.CHAT, topics.prefix() + ".replies.test",
                ChatRequest.ofPrompt("warm up").withMaxTokens(2));
        kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(), Json.toBytes(job)));
        assertThat(replies.await("warm-up", WAIT).status()).isEqualTo(ResultStatus.OK);
    }

    static Set<String> topicNames(KafkaHandle kafka) throws Exception {
        return kafka.admin().listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    }
}
