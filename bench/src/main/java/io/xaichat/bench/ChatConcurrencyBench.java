package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.worker.Worker;
import io.xaichat.worker.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Figure 10: aggregate chat decode speed end to end through Kafka with {@code jobs} distinct chat jobs in flight at
 * once ({@code XAICHAT_CHAT_CONCURRENCY=jobs}) against one at a time, on the same engine and model. It pays off with
 * an engine that batches sequences ({@link Engine#slots()} &gt; 1, the batched llama.cpp engine); with a one-slot
 * engine the runtime serializes run calls, so the ratio shows only what several jobs in flight cost.
 */
public final class ChatConcurrencyBench {
    private final Cluster cluster;
    private final ResultTable table;
    private final int jobs;
    private final int maxTokens;

    public ChatConcurrencyBench(Cluster cluster, ResultTable table, int jobs, int maxTokens) {
        this.cluster = cluster;
        this.table = table;
        this.jobs = jobs;
        this.maxTokens = maxTokens;
    }

    private record Measured(double tokensPerSecond, int slots) {}

    /**
     * @param engines loads the engine for each run (a worker closes its engines); the batched llama.cpp engine plugs
     *     in here
     */
    public void run(Supplier<Engine<?>> engines, String label) throws Exception {
        Measured one = tokensPerSecond(engines.get(), 1);
        Measured many = tokensPerSecond(engines.get(), jobs);
        double serial = one.tokensPerSecond();
        double concurrent = many.tokensPerSecond();
        int slots = many.slots();
        boolean batched = slots > 1;
        table.add("10", f("%s aggregate decode tok/s end to end, %d jobs in flight vs 1", label, jobs),
                f("%.2f vs %.2f", concurrent, serial), f("ratio %.2f; engine slots %d", concurrent / serial, slots),
                batched ? "> 1 (batching)" : "–", batched ? ResultTable.verdict(concurrent > serial) : "info",
                f("%d distinct greedy jobs × max_tokens %d submitted at once, cache bypassed, 4 partitions%s", jobs,
                        maxTokens, batched ? "" : "; one-slot engine: run calls serialized (needs the batched engine)"));
    }

    private Measured tokensPerSecond(Engine<?> engine, int concurrency) throws Exception {
        String prefix = cluster.prefix("chatconc");
        var config = cluster.workerConfig("chatconc", prefix, 4, false, JobKind.CHAT,
                java.util.Map.of("chat-concurrency", String.valueOf(concurrency)));
        Worker worker = cluster.startWorker(config, engine);
        try (XaiChatClient client = cluster.client(prefix)) {
            Jobs.roundTrip(client, Jobs.job(Jobs.chat(Jobs.PROMPT, 4, false), CachePolicy.BYPASS)); // warm-up
            List<CompletableFuture<ResultEnvelope>> answers = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                JobEnvelope job = Jobs.job(Jobs.chat(Jobs.PROMPT + " Answer " + i + ".", maxTokens, false),
                        CachePolicy.BYPASS);
                answers.add(client.submit(job));
            }
            int tokens = 0;
            for (CompletableFuture<ResultEnvelope> a : answers) {
                ResultEnvelope r = a.get(30, TimeUnit.MINUTES);
                if (!r.ok()) throw new IllegalStateException("chat job failed: " + r.error());
                tokens += r.usage().completionTokens();
            }
            return new Measured(tokens / ((System.nanoTime() - start) / 1e9), engine.slots());
        } finally {
            worker.close();
        }
    }
}
