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
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded flood through one worker process: hostile records of every dead-lettered kind in
 * {@link HostileRecords}, mixed with good jobs. Every good job is answered exactly once, every hostile record is
 * dead-lettered, no topic is created, and the worker's resident memory stays flat. CI runs 1,000 + 100; the figures
 * in RELIABILITY.md come from {@code -Dxaichat.flood.hostile=10000 -Dxaichat.flood.good=1000}.
 */
@Tag("faults")
@ExtendWith(KafkaExtension.class)
class FloodTest {
    @TempDir
    static Path dir;

    @Test
    void hostileRecordsAreDeadLetteredAndGoodJobsAnsweredOnceWithFlatMemory(KafkaHandle kafka) throws Exception {
        int hostileCount = Integer.getInteger("xaichat.flood.hostile", 1_000);
        int goodCount = Integer.getInteger("xaichat.flood.good", 100);
        Duration wait = Duration.ofSeconds(120 + (hostileCount + goodCount) / 20);
        Topics topics = new Topics(Names.unique("flood"));
        HostileRecords catalogue = HostileRecords.onTopicsOf(kafka, topics);
        String replyTopic = catalogue.replyTopic();
        List<HostileRecords.Kind> hostileKinds = catalogue.deadLettered();

        try (WorkerProcess worker = WorkerProcess.chat("flood", TinyGgufModels.qwen2(dir), dir)
                .bootstrap(kafka.bootstrapServers()).prefix(topics.prefix())
                .env("XAICHAT_TOPIC_PARTITIONS", "2")
                .env("XAICHAT_MAX_RECORD_BYTES", Integer.toString(TestWorkers.MAX_RECORD_BYTES))
                .env("XAICHAT_MAX_TOKENS_LIMIT", Integer.toString(TestWorkers.MAX_TOKENS))
                .env("XAICHAT_LOG_FORMAT", "text")
                .start();
             Replies replies = new Replies(kafka.bootstrapServers(), replyTopic);
             TopicReader dlq = kafka.reader(topics.deadLetter())) {
            worker.awaitReady(ChildWorkers.READY);
            HostileInputsTest.warmUp(kafka, topics, replies);
            Set<String> topicsBefore = HostileInputsTest.topicNames(kafka);
            RssSampler rss = RssSampler.start(worker.pid());

            Set<String> goodIds = new HashSet<>();
            Set<String> hostileKeys = new HashSet<>();
            long t0 = System.nanoTime();
            int total = hostileCount + goodCount;
            int step = Math.max(1, total / goodCount);
            for (int i = 0, sentHostile = 0; goodIds.size() < goodCount || sentHostile < hostileCount; i++) {
                if ((i % step == step / 2 && goodIds.size() < goodCount) || sentHostile >= hostileCount) {
                    JobEnvelope job = JobEnvelope.of("good-" + i, JobKind.CHAT, replyTopic,
                            ChatRequest.ofPrompt("Good job " + i).withTemperature(0.7).withMaxTokens(2));
                    goodIds.add(job.jobId());
                    kafka.producer().send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(), Json.toBytes(job)));
                } else {
                    HostileRecords.Kind kind = hostileKinds.get(sentHostile % hostileKinds.size());
                    String key = HostileRecords.key(kind, "bad-" + sentHostile);
                    ProducerRecord<String, byte[]> r = kind.make().apply("bad-" + sentHostile);
                    kafka.producer().send(new ProducerRecord<>(r.topic(), null, key, r.value(), r.headers()));
                    hostileKeys.add(key);
                    sentHostile++;
                }
            }
            kafka.producer().flush();
            long sentMs = (System.nanoTime() - t0) / 1_000_000;

            List<ResultEnvelope> answers = replies.awaitAll(goodIds, wait);
            dlq.awaitCount(hostileCount, wait);
            long floodMs = (System.nanoTime() - t0) / 1_000_000;
            List<TopicRecord> dead = dlq.readFor(Duration.ofSeconds(2));
            rss.stop();
            Set<String> topicsAfter = HostileInputsTest.topicNames(kafka);

            Map<String, List<ResultEnvelope>> goodAnswers = answers.stream().filter(r -> goodIds.contains(r.jobId()))
                    .collect(Collectors.groupingBy(ResultEnvelope::jobId));
            Map<String, List<ResultEnvelope>> allGood = replies.records().stream().filter(Replies::isResult)
                    .filter(r -> goodIds.contains(r.keyString())).map(Replies::result)
                    .collect(Collectors.groupingBy(ResultEnvelope::jobId));
            long duplicates = allGood.values().stream().mapToLong(l -> l.size() - 1).sum();
            Set<String> deadKeys = dead.stream().map(TopicRecord::keyString).collect(Collectors.toSet());
            String figures = String.format("1 worker process (-Xmx256m, tiny chat model); %,d hostile records (%d kinds,"
                            + " cycled) + %,d good jobs, sent in %,d ms; all settled after %,d ms (%.0f records/s);"
                            + " %,d dead letters; topics created: %d; worker RSS %s",
                    hostileCount, hostileKinds.size(), goodCount, sentMs, floodMs,
                    (hostileCount + goodCount) * 1000.0 / floodMs, dead.size(),
                    topicsAfter.size() - topicsBefore.size(), rss.summary());
            ReliabilityReport.Row row = ReliabilityReport.write("8-flood", new ReliabilityReport.Row(
                    "bounded flood of hostile records", goodCount, goodAnswers.size(), goodCount - goodAnswers.size(),
                    duplicates, figures));

            assertThat(row.lost()).isZero();
            assertThat(duplicates).as("good jobs answered more than once").isZero();
            assertThat(allGood.values()).allSatisfy(l -> assertThat(l.get(0).status()).isEqualTo(ResultStatus.OK));
            assertThat(dead).hasSize(hostileCount);
            assertThat(deadKeys).isEqualTo(hostileKeys);
            assertThat(dead).allSatisfy(r -> assertThat(r.header(RecordHeaders.ERROR_CODE)).isPresent());
            assertThat(topicsAfter).isEqualTo(topicsBefore);
            assertThat(rss.growthAfterWarmUpKb()).as("RSS growth after the first quarter, kB: " + rss.summary())
                    .isLessThan(96 * 1024);
            assertThat(worker.isAlive()).isTrue();
        }
    }

    /** Samples a process's VmRSS from /proc every 500 ms. */
    static final class RssSampler {
        private final long pid;
        private final List<Long> samplesKb = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        private RssSampler(long pid) {
            this.pid = pid;
            this.thread = new Thread(this::run, "rss-sampler");
            thread.setDaemon(true);
        }

        static RssSampler start(long pid) {
            RssSampler s = new RssSampler(pid);
            s.samplesKb.add(s.read());
            s.thread.start();
            return s;
        }

        private void run() {
            while (running) {
                long kb = read();
                if (kb > 0) samplesKb.add(kb);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2_000);
            samplesKb.add(read());
        }

        long read() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }

        private long afterWarmUp() {
            List<Long> s = new ArrayList<>(samplesKb);
            return s.get(Math.min(s.size() - 1, s.size() / 4));
        }

        long growthAfterWarmUpKb() {
            return samplesKb.get(samplesKb.size() - 1) - afterWarmUp();
        }

        String summary() {
            long start = samplesKb.get(0);
            long peak = samplesKb.stream().mapToLong(Long::longValue).max().orElse(-1);
            long end = samplesKb.get(samplesKb.size() - 1);
            return String.format("start %d MB, after first quarter %d MB, peak %d MB, end %d MB (%d samples)",
                    start / 1024, afterWarmUp() / 1024, peak / 1024, end / 1024, samplesKb.size());
        }
    }
}
