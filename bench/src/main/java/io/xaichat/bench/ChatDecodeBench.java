package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 1: chat generation speed through the whole system against java-llama.cpp called directly, on one model
 * file with the same threads, context and batch settings.
 *
 * <p>Four paths run interleaved in every repeat, so a slow moment of the shared machine hits all of them alike:
 * the raw {@code de.kherud.llama.LlamaModel} API, {@link LlamaChatEngine#run} (the engine without the runtime),
 * and a job through Kafka → worker → reply topic with streaming off and on. Each path runs the same greedy request
 * twice: with {@code maxTokens} and with one token. Decode speed is {@code (tokens(n) − tokens(1)) / (t(n) − t(1))}:
 * the subtraction removes prompt evaluation and, for the pipeline, the fixed per-job overhead, leaving the speed
 * at which tokens are generated. End-to-end speed is {@code tokens(n) / t(n)} and keeps both.
 */
public final class ChatDecodeBench {
    enum Path4 { RAW, ENGINE, PIPELINE, PIPELINE_STREAMING }

    private record Run(int tokens, double ms) {}

    private final Cluster cluster;
    private final ResultTable table;
    private final int threads;
    private final int maxTokens;
    private final int repeats;

    public ChatDecodeBench(Cluster cluster, ResultTable table, int threads, int maxTokens, int repeats) {
        this.cluster = cluster;
        this.table = table;
        this.threads = threads;
        this.maxTokens = maxTokens;
        this.repeats = repeats;
    }

    public void run(Path model, String label) throws JobFailure {
        ChatEngineConfig config = ChatEngineConfig.defaults(model).withThreads(threads).withContextLength(1024);
        String prefix = cluster.prefix("decode");
        LlamaChatEngine engine = new LlamaChatEngine(config);
        Worker worker = cluster.startWorker(cluster.workerConfig("decode", prefix, 1, false, JobKind.CHAT), engine);
        try (LlamaModel raw = new LlamaModel(rawParameters(config));
             XaiChatClient client = cluster.client(prefix)) {
            String prompt = raw.applyTemplate("{\"messages\":[{\"role\":\"user\",\"content\":"
                    + Json.MAPPER.valueToTree(Jobs.PROMPT) + "}]}");
            Map<Path4, List<Run[]>> runs = new EnumMap<>(Path4.class);
            for (Path4 p : Path4.values()) runs.put(p, new ArrayList<>());
            for (int r = -1; r < repeats; r++) { // repeat −1 warms every path up and is not counted
                Map<Path4, Run[]> repeat = new EnumMap<>(Path4.class);
                int tokens = r < 0 ? Math.min(8, maxTokens) : maxTokens; // a short warm-up
                for (Path4 p : Path4.values()) {
                    repeat.put(p, new Run[] {once(p, raw, prompt, engine, client, tokens),
                            once(p, raw, prompt, engine, client, 1)});
                }
                // The raw API streams text pieces, not tokens (partial UTF-8 is held back), so it cannot count
                // tokens; it runs the same greedy computation as the engine, which reports the count.
                Run[] rawRuns = repeat.get(Path4.RAW), engineRuns = repeat.get(Path4.ENGINE);
                for (int i = 0; i < 2; i++) rawRuns[i] = new Run(engineRuns[i].tokens(), rawRuns[i].ms());
                if (r >= 0) repeat.forEach((p, pair) -> runs.get(p).add(pair));
            }
            report(label, config, runs, promptTokens(engine));
        } finally {
            worker.close();
        }
    }

    private static ModelParameters rawParameters(ChatEngineConfig c) {
        return new ModelParameters().setModel(c.model().toString()).setThreads(c.threads())
                .setThreadsBatch(c.threads()).setCtxSize(c.contextLength()).setBatchSize(c.batchSize())
                .setUbatchSize(Math.min(c.batchSize(), 512)).setParallel(1).disableLog();
    }

    private Run once(Path4 path, LlamaModel raw, String prompt, LlamaChatEngine engine, XaiChatClient client,
                     int tokens) throws JobFailure {
        return switch (path) {
            case RAW -> raw(raw, prompt, tokens);
            case ENGINE -> {
                var prepared = engine.prepare(Jobs.job(Jobs.chat(Jobs.PROMPT, tokens, false), CachePolicy.BYPASS));
                long start = System.nanoTime();
                EngineResult out = engine.run(prepared, ChunkSink.NONE);
                yield new Run(out.usage().completionTokens(), (System.nanoTime() - start) / 1e6);
            }
            case PIPELINE, PIPELINE_STREAMING -> {
                boolean stream = path == Path4.PIPELINE_STREAMING;
                StringBuilder streamed = new StringBuilder();
                Jobs.Timed t = Jobs.roundTrip(client, Jobs.job(Jobs.chat(Jobs.PROMPT, tokens, stream),
                        CachePolicy.BYPASS), stream ? c -> streamed.append(c.delta()) : null);
                yield new Run(t.completionTokens(), t.roundTripMs());
            }
        };
    }

    /** The raw API as a caller of java-llama.cpp would use it: generate and iterate the output pieces. */
    private static Run raw(LlamaModel model, String prompt, int tokens) {
        InferenceParameters p = new InferenceParameters(prompt).setNPredict(tokens).setTemperature(0f)
                .setCachePrompt(false);
        long start = System.nanoTime();
        StringBuilder text = new StringBuilder();
        for (LlamaOutput out : model.generate(p)) text.append(out.text);
        double ms = (System.nanoTime() - start) / 1e6;
        return new Run(-1, ms); // tokens: filled in from the engine's run of the same request
    }

    private static int promptTokens(LlamaChatEngine engine) throws JobFailure {
        var prepared = engine.prepare(Jobs.job(Jobs.chat(Jobs.PROMPT, 1, false), CachePolicy.BYPASS));
        return engine.run(prepared, ChunkSink.NONE).usage().promptTokens();
    }

    private void report(String label, ChatEngineConfig config, Map<Path4, List<Run[]>> runs, int promptTokens) {
        String setup = f("%s, %d threads, ctx %d, prompt %d tokens, %d generated, %d repeats",
                ModelCache.describe(config.model()), config.threads(), config.contextLength(), promptTokens,
                maxTokens, repeats);
        Map<Path4, List<Double>> decode = new EnumMap<>(Path4.class);
        Map<Path4, List<Double>> endToEnd = new EnumMap<>(Path4.class);
        for (Path4 p : Path4.values()) {
            List<Double> d = new ArrayList<>(), e = new ArrayList<>();
            for (Run[] pair : runs.get(p)) {
                d.add((pair[0].tokens() - pair[1].tokens()) / ((pair[0].ms() - pair[1].ms()) / 1000));
                e.add(pair[0].tokens() / (pair[0].ms() / 1000));
            }
            decode.put(p, d);
            endToEnd.put(p, e);
        }
        String[] names = {"java-llama.cpp API directly", "LlamaChatEngine.run", "pipeline, streaming off",
                "pipeline, streaming on (chunks of 10 pieces)"};
        for (Path4 p : Path4.values()) {
            Stats d = Stats.of(decode.get(p));
            Stats e = Stats.of(endToEnd.get(p));
            table.add("1", f("%s decode tok/s: %s", label, names[p.ordinal()]), f("%.2f", d.median()),
                    d.range("%.2f") + f("; end-to-end %.2f tok/s", e.median()), "–", "info", setup);
        }
        for (Path4 p : List.of(Path4.ENGINE, Path4.PIPELINE, Path4.PIPELINE_STREAMING)) {
            Stats d = ratio(decode.get(p), decode.get(Path4.RAW));
            Stats e = ratio(endToEnd.get(p), endToEnd.get(Path4.RAW));
            table.add("1", f("%s ratio %s / raw (decode; end-to-end)", label, names[p.ordinal()]),
                    f("%.3f; %.3f", d.median(), e.median()), d.range("%.3f") + "; " + e.range("%.3f"), "≥ 0.95",
                    ResultTable.verdict(d.median() >= 0.95 && e.median() >= 0.95), "same repeats, paired");
        }
        List<Double> rawPrompt = new ArrayList<>(), pipePrompt = new ArrayList<>();
        for (int i = 0; i < runs.get(Path4.RAW).size(); i++) {
            rawPrompt.add(runs.get(Path4.RAW).get(i)[1].ms());
            pipePrompt.add(runs.get(Path4.PIPELINE).get(i)[1].ms());
        }
        Stats rp = Stats.of(rawPrompt), pp = Stats.of(pipePrompt);
        table.add("1", f("%s prompt eval + 1 token, ms: raw; pipeline round trip", label),
                f("%.0f; %.0f", rp.median(), pp.median()), rp.range("%.0f") + "; " + pp.range("%.0f"), "–", "info",
                f("%d prompt tokens → %.1f prompt tok/s raw", promptTokens, promptTokens / (rp.median() / 1000)));
    }

    private static Stats ratio(List<Double> system, List<Double> raw) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) r.add(system.get(i) / raw.get(i));
        return Stats.of(r);
    }
}
