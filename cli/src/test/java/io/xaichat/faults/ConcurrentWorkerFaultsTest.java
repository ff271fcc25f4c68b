package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.embedded.EmbeddedRedis;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.GroupOffsets;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process faults of a worker with several jobs in flight (child JVMs, {@code XAICHAT_CHAT_CONCURRENCY=3}, Redis on,
 * cache hits mixed with computed jobs so they finish out of order). Jobs are produced with a plain producer so each
 * job's offset is known, and results are read from the reply topic: jobs in, results out, and which were redone.
 */
@Tag("faults")
class ConcurrentWorkerFaultsTest {
    static final int JOBS = 60;
    static final int CONCURRENCY = 3;
    static final Duration ALL_ANSWERED = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    /** A job and where it landed. */
    record Sent(JobEnvelope job, TopicPartition partition, long offset) {}

    /** Every third job is the same deterministic request (a cache hit after its first answer); the others differ. */
    private static List<JobEnvelope> jobs(String replyTopic) {
        List<JobEnvelope> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            ChatRequest request = i % 3 == 0
                    ? ChatRequest.ofPrompt("Say hello").withTemperature(0).withMaxTokens(8)
                    : ChatRequest.ofPrompt("Tell the story number " + i + " in full.").withTemperature(0)
                            .withMaxTokens(WorkerProcessFaultsTest.MAX_TOKENS);
            jobs.add(JobEnvelope.of("job-" + i, JobKind.CHAT, replyTopic, request));
        }
        return jobs;
    }

    private static Map<String, Sent> send(KafkaHandle kafka, Topics topics, List<JobEnvelope> jobs) {
        Map<String, Sent> sent = new LinkedHashMap<>();
        for (JobEnvelope job : jobs) {
            RecordMetadata md = kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(),
                    Json.toBytes(job)));
            sent.put(job.jobId(), new Sent(job, new TopicPartition(md.topic(), md.partition()), md.offset()));
        }
        return sent;
    }

    private static WorkerProcess.Builder concurrent(ChildWorkers workers, String id, EmbeddedRedis redis) {
        return workers.worker(id).redis(redis.url()).env("XAICHAT_CHAT_CONCURRENCY", Integer.toString(CONCURRENCY));
    }

    private static List<ResultEnvelope> results(Replies replies) {
        return replies.records().stream().filter(Replies::isResult).map(Replies::result).toList();
    }

    @Test
    void killMinus9WithJobsInFlightRedoesOnlyUncommittedJobs() throws Exception {
        try (Setup run = new Setup(dir, "kill-inflight", "victim")) {
            WorkerProcess victim = run.first;
            KafkaHandle kafka = run.kafka;
            ChildWorkers workers = run.workers;
            Topics topics = run.topics;
            Replies replies = run.replies;
            {
                Map<String, Sent> sent = send(kafka, topics, jobs(run.replyTopic));
                replies.reader().awaitUntil(r -> r.stream().filter(Replies::isResult).count() >= 15, "15 results",
                        ALL_ANSWERED);
                victim.kill();
                victim.awaitExit(Duration.ofSeconds(10));
                Map<TopicPartition, Long> committedAtKill = GroupOffsets.committed(kafka.admin(), workers.groupId(),
                        topics.jobs(JobKind.CHAT));
                replies.reader().readFor(Duration.ofSeconds(1)); // the victim's last acknowledged answers
                List<ResultEnvelope> beforeKill = results(replies);
                int answeredAtKill = (int) beforeKill.stream().map(ResultEnvelope::jobId).distinct().count();

                workers.start(concurrent(workers, "survivor", run.redis)).awaitReady(ChildWorkers.READY);
                replies.awaitAll(sent.keySet(), ALL_ANSWERED);
                replies.reader().readFor(WorkerProcessFaultsTest.SETTLE);
                List<ResultEnvelope> all = results(replies);
                Map<String, Long> perJob = all.stream().collect(Collectors.groupingBy(ResultEnvelope::jobId,
                        Collectors.counting()));
                Set<String> duplicated = perJob.entrySet().stream().filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey).collect(Collectors.toSet());

                // Out of order: the victim answered some job before a job with a lower offset in its partition.
                assertThat(outOfOrder(beforeKill.stream().map(ResultEnvelope::jobId).distinct().toList(), sent))
                        .as("completions overtook each other").isTrue();
                // Redone are only jobs the victim had not committed: at or above the committed offset at the kill.
                assertThat(duplicated).allSatisfy(id -> assertThat(sent.get(id).offset())
                        .as(id).isGreaterThanOrEqualTo(committedAtKill.get(sent.get(id).partition())));
                Set<String> answeredUncommitted = beforeKill.stream().map(ResultEnvelope::jobId)
                        .filter(id -> sent.get(id).offset() >= committedAtKill.get(sent.get(id).partition()))
                        .collect(Collectors.toSet());
                assertThat(answeredUncommitted).containsAll(duplicated);
                assertThat(perJob.keySet()).containsAll(sent.keySet());
                assertThat(all).allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.OK));

                ReliabilityReport.Row row = ReliabilityReport.write("8-kill-9-in-flight", new ReliabilityReport.Row(
                        "kill -9 of a worker with " + CONCURRENCY + " jobs in flight", JOBS, perJob.size(),
                        JOBS - perJob.size(), all.size() - perJob.size(),
                        "1 worker JVM, concurrency " + CONCURRENCY + ", Redis on, 1 in 3 jobs a cache hit (finishing "
                                + "out of order); after " + answeredAtKill + " answers SIGKILL, a second worker took "
                                + "over; every redone job was at or above its partition's committed offset"
                                + " (" + answeredUncommitted.size() + " answered but uncommitted at the kill)"));
                assertThat(row.lost()).isZero();
            }
        }
    }

    @Test
    void sigtermWithSeveralJobsRunningFinishesThemCommitsAndRedoesNothing() throws Exception {
        try (Setup run = new Setup(dir, "drain", "leaving")) {
            WorkerProcess leaving = run.first;
            KafkaHandle kafka = run.kafka;
            ChildWorkers workers = run.workers;
            Topics topics = run.topics;
            Replies replies = run.replies;
            {
                Map<String, Sent> sent = send(kafka, topics, jobs(run.replyTopic));
                replies.reader().awaitUntil(r -> r.stream().filter(Replies::isResult).count() >= 5, "5 results",
                        ALL_ANSWERED);
                leaving.terminate();
                assertThat(leaving.awaitExit(Duration.ofSeconds(60))).isZero();
                String log = leaving.output();
                java.util.regex.Matcher waiting = java.util.regex.Pattern
                        .compile("waiting up to \\S+ for (\\d+) running job").matcher(log);
                assertThat(waiting.find()).as(leaving.tail()).isTrue();
                int running = Integer.parseInt(waiting.group(1));
                assertThat(running).as("several jobs in flight at SIGTERM").isGreaterThan(1);
                assertThat(log).doesNotContain("did not finish within");
                int answeredAtStop = (int) results(replies).stream().map(ResultEnvelope::jobId).distinct().count();

                workers.start(concurrent(workers, "staying", run.redis)).awaitReady(ChildWorkers.READY);
                replies.awaitAll(sent.keySet(), ALL_ANSWERED);
                replies.reader().readFor(WorkerProcessFaultsTest.SETTLE);
                List<ResultEnvelope> all = results(replies);
                long distinct = all.stream().map(ResultEnvelope::jobId).distinct().count();
                ReliabilityReport.Row row = ReliabilityReport.write("9-sigterm-in-flight", new ReliabilityReport.Row(
                        "SIGTERM with several jobs in flight", JOBS, (int) distinct, JOBS - (int) distinct,
                        all.size() - distinct, "1 worker JVM, concurrency " + CONCURRENCY + ", Redis on; after "
                                + answeredAtStop + " answers SIGTERM with " + running + " jobs in flight: it finished "
                                + "them, committed, exit 0; a second worker did the rest"));
                assertThat(row.lost()).isZero();
                // Answered jobs are committed (or named in the commit metadata) before the worker leaves, so the next
                // worker redoes none of them; if it ever does, the message shows what the leaving worker committed.
                Map<String, List<String>> twice = all.stream().collect(Collectors.groupingBy(ResultEnvelope::jobId,
                        Collectors.mapping(ResultEnvelope::workerId, Collectors.toList())));
                twice.values().removeIf(w -> w.size() < 2);
                String commitWarnings = log.lines().filter(l -> l.contains("commit")).collect(Collectors.joining("\n"));
                assertThat(row.duplicated()).as("redone after SIGTERM: %s; commit lines of the leaving worker:%n%s",
                        twice, commitWarnings).isZero();
                GroupOffsets.awaitNoLag(kafka.admin(), workers.groupId(), topics.jobs(JobKind.CHAT),
                        Duration.ofSeconds(30));
            }
        }
    }

    /** A broker, Redis, a reply topic and reader, and a first worker that consumes. */
    private static final class Setup implements AutoCloseable {
        final EmbeddedKafkaBroker broker = FaultBroker.start();
        final KafkaHandle kafka = KafkaHandle.of(broker);
        final EmbeddedRedis redis = EmbeddedRedis.startDefault();
        final ChildWorkers workers;
        final Topics topics;
        final String replyTopic;
        final Replies replies;
        final WorkerProcess first;

        Setup(Path dir, String name, String firstWorker) throws Exception {
            workers = new ChildWorkers(dir, broker.bootstrapServers(), Names.unique(name));
            topics = new Topics(workers.prefix());
            replyTopic = topics.prefix() + ".replies.test";
            kafka.createTopic(replyTopic, 1);
            first = workers.start(concurrent(workers, firstWorker, redis));
            first.awaitReady(ChildWorkers.READY);
            workers.awaitMembers(kafka.admin(), 1, Duration.ofSeconds(60));
            replies = new Replies(kafka.bootstrapServers(), replyTopic);
        }

        @Override
        public void close() throws Exception {
            replies.close();
            workers.close();
            redis.close();
            kafka.close();
            broker.close();
        }
    }

    /** Whether some job in {@code answered} (in reply order) came before a lower-offset job of its partition. */
    private static boolean outOfOrder(List<String> answered, Map<String, Sent> sent) {
        Map<TopicPartition, Long> highest = new HashMap<>();
        for (String id : answered) {
            Sent s = sent.get(id);
            Long before = highest.get(s.partition());
            if (before != null && s.offset() < before) return true;
            highest.merge(s.partition(), s.offset(), Math::max);
        }
        return false;
    }
}
