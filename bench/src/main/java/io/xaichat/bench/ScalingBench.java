package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import io.xaichat.bulk.BulkOptions;
import io.xaichat.bulk.BulkProgress;
import io.xaichat.bulk.BulkRunner;
import io.xaichat.bulk.BulkSummary;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.kafka.JobListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 4: a bulk run of a fixed set of unique chat jobs through {@link BulkRunner}, served by one worker with two
 * threads or by two workers pinned to one core each, in one consumer group. The workers run without a cache, so
 * every job is computed. Jobs are spread over the topic's partitions by their key, as in production, so two workers
 * may get unequal shares; the report shows the split.
 */
public final class ScalingBench {
    private static final int PARTITIONS = 4;

    private final Cluster cluster;
    private final ResultTable table;
    private final int jobs;
    private final int maxTokens;
    private final Path workDir;

    public ScalingBench(Cluster cluster, ResultTable table, int jobs, int maxTokens, Path workDir) {
        this.cluster = cluster;
        this.table = table;
        this.jobs = jobs;
        this.maxTokens = maxTokens;
        this.workDir = workDir;
    }

    public void run(Path model) throws IOException, InterruptedException {
        ChatEngineConfig base = ChatEngineConfig.defaults(model).withContextLength(512);
        Path input = writeJobs(workDir.resolve("scaling-jobs.jsonl"));
        String setup = f("%s, %d unique jobs × max_tokens %d, temperature 0, no cache, %d partitions, window %d",
                ModelCache.describe(model), jobs, maxTokens, PARTITIONS, jobs);
        measure("1 worker × 2 threads (not pinned)", List.of(base.withThreads(2)), input, setup);
        measure("2 workers × 1 thread, pinned to CPU 0 / CPU 1",
                List.of(base.withCpus(CpuSet.parse("0")), base.withCpus(CpuSet.parse("1"))), input, setup);
    }

    private void measure(String label, List<ChatEngineConfig> engines, Path input, String setup)
            throws IOException, InterruptedException {
        String prefix = cluster.prefix("scaling");
        List<Worker> workers = new ArrayList<>();
        List<AtomicInteger> served = new ArrayList<>();
        try {
            for (int i = 0; i < engines.size(); i++) {
                AtomicInteger count = new AtomicInteger();
                served.add(count);
                JobListener listener = new JobListener() {
                    @Override
                    public void computed(JobKind kind, ResultEnvelope result) {
                        count.incrementAndGet();
                    }
                };
                workers.add(cluster.startWorker(cluster.workerConfig("scale-" + i, prefix, PARTITIONS, false,
                        JobKind.CHAT), new LlamaChatEngine(engines.get(i)), listener));
            }
            Thread.sleep(5_000); // let the group settle, so the run does not start with a rebalance
            Path output = workDir.resolve(prefix + ".out.jsonl");
            BulkSummary summary;
            try (XaiChatClient client = cluster.client(prefix)) {
                summary = new BulkRunner(client, BulkOptions.of(input, output).withWindow(jobs), BulkProgress.NONE)
                        .run();
            }
            if (summary.succeeded() != jobs) {
                throw new IllegalStateException(label + ": " + summary.succeeded() + " of " + jobs + " jobs succeeded");
            }
            double seconds = summary.wallTime().toNanos() / 1e9;
            String split = served.stream().map(c -> Integer.toString(c.get())).reduce((a, b) -> a + "/" + b).orElse("");
            table.add("4", f("bulk throughput, %s: jobs/s; generated tok/s", label),
                    f("%.3f; %.2f", jobs / seconds, summary.tokensPerSecond()),
                    f("one run of %d jobs in %.1f s; jobs per worker %s", jobs, seconds, split), "–", "info", setup);
        } finally {
            workers.forEach(Worker::close);
        }
    }

    private Path writeJobs(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            var line = Json.MAPPER.createObjectNode().put("custom_id", "job-" + i).put("kind", "chat")
                    .put("cache", "bypass");
            line.set("request", Json.MAPPER.valueToTree(Jobs.chat("Request number " + i + ". " + Jobs.PROMPT,
                    maxTokens, false)));
            lines.add(line.toString());
        }
        return Files.write(file, lines);
    }
}
