package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures 2 and 3 on a tiny model, where the engine's own time is a millisecond or less, so what is left is the
 * pipeline: client serialization, Kafka to the worker, validation, cache lookup, Kafka back, deserialization.
 *
 * <p>Jobs go one at a time (the next is submitted when the previous answer arrived), so each round trip is a
 * latency, not a share of a throughput. The cache is on, as in production.
 */
public final class OverheadBench {
    private final Cluster cluster;
    private final ResultTable table;
    private final int jobs;
    private final int warmup;

    public OverheadBench(Cluster cluster, ResultTable table, int jobs, int warmup) {
        this.cluster = cluster;
        this.table = table;
        this.jobs = jobs;
        this.warmup = warmup;
    }

    public void run(Path tinyModel) {
        String prefix = cluster.prefix("overhead");
        LlamaChatEngine engine = new LlamaChatEngine(ChatEngineConfig.defaults(tinyModel).withThreads(1)
                .withContextLength(256));
        Worker worker = cluster.startWorker(cluster.workerConfig("overhead", prefix, 1, true, JobKind.CHAT), engine);
        String setup = f("%s, 1 thread, max_tokens 1, cache on (redis), %d jobs one at a time after %d warm-up",
                ModelCache.describe(tinyModel), jobs, warmup);
        try (XaiChatClient client = cluster.client(prefix)) {
            perJobOverhead(client, setup);
            cacheHits(client, setup);
        } finally {
            worker.close();
        }
    }

    /** Figure 2: unique prompts, so every job misses the cache, takes its lock, computes and stores. */
    private void perJobOverhead(XaiChatClient client, String setup) {
        List<Double> overhead = new ArrayList<>(), roundTrip = new ArrayList<>(), compute = new ArrayList<>(),
                queue = new ArrayList<>();
        for (int i = -warmup; i < jobs; i++) {
            Jobs.Timed t = Jobs.roundTrip(client, Jobs.job(Jobs.chat("overhead probe " + i + " " + System.nanoTime(),
                    1, false), CachePolicy.AUTO));
            if (t.result().cached()) throw new IllegalStateException("a unique prompt was answered from the cache");
            if (i < 0) continue;
            overhead.add(t.overheadMs());
            roundTrip.add(t.roundTripMs());
            compute.add((double) t.result().timings().computeMs());
            queue.add((double) t.result().timings().queueMs());
        }
        Stats o = Stats.of(overhead), r = Stats.of(roundTrip), c = Stats.of(compute), q = Stats.of(queue);
        table.add("2", "per-job pipeline overhead, ms (round trip − compute_ms)", f("%.1f", o.median()),
                f("p99 %.1f, min %.1f, max %.1f (n=%d)", o.percentile(99), o.min(), o.max(), o.count()), "p50 ≤ 15",
                ResultTable.verdict(o.median() <= 15), setup);
        table.add("2", "client round trip of a 1-token job, ms", f("%.1f", r.median()),
                f("p99 %.1f (n=%d); of which queue_ms (submit → worker received) p50 %.0f, engine compute_ms p50 %.0f",
                        r.percentile(99), r.count(), q.median(), c.median()), "–",
                "info", setup);
    }

    /** Figure 3: one job computed once, then the same job again and again, each answered from redis. */
    private void cacheHits(XaiChatClient client, String setup) {
        String prompt = "cache probe " + System.nanoTime();
        Jobs.roundTrip(client, Jobs.job(Jobs.chat(prompt, 1, false), CachePolicy.AUTO));
        List<Double> hits = new ArrayList<>();
        for (int i = -warmup; i < jobs; i++) {
            Jobs.Timed t = Jobs.roundTrip(client, Jobs.job(Jobs.chat(prompt, 1, false), CachePolicy.AUTO));
            if (!t.result().cached()) throw new IllegalStateException("a repeated job was not answered from the cache");
            if (i >= 0) hits.add(t.roundTripMs());
        }
        Stats h = Stats.of(hits);
        table.add("3", "cache-hit round trip, ms (submit → cached result received)", f("%.1f", h.median()),
                f("p99 %.1f, min %.1f, max %.1f (n=%d)", h.percentile(99), h.min(), h.max(), h.count()), "p50 ≤ 5",
                ResultTable.verdict(h.median() <= 5), setup);
    }
}
