package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import com.sun.jna.Pointer;
import io.xaichat.llama.LlamaBatch;
import io.xaichat.llama.LlamaContextParams;
import io.xaichat.llama.LlamaLibrary;
import io.xaichat.llama.LlamaModelParams;
import io.xaichat.llama.LlamaNatives;
import io.xaichat.llama.LlamaSamplerChainParams;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ChatRequest;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.ChatEngineKind;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.engine.JobFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Figure 7: the llama-cpp engine (current llama.cpp through its C API) against the same llama.cpp called directly
 * through the C API in this process (the raw baseline: tokenize, one prompt batch, then greedy sample + decode one
 * token at a time), against the java-llama-cpp engine (llama.cpp b4916) on the same file, and 4 busy slots against 1.
 *
 * <p>All paths run interleaved in each repeat with the same file, threads and context per sequence, greedy, on the
 * same raw prompt. Decode speed is {@code (tokens(n) − tokens(1)) / (t(n) − t(1))}, which removes prompt evaluation;
 * with 4 slots, 4 jobs run at once and tokens are counted over all of them.
 */
public final class LlamaCppBench {
    private static final int CONTEXT = 1024;

    private record Run(int tokens, double ms) {}

    private final ResultTable table;
    private final int threads;
    private final int maxTokens;
    private final int repeats;

    public LlamaCppBench(ResultTable table, int threads, int maxTokens, int repeats) {
        this.table = table;
        this.threads = threads;
        this.maxTokens = maxTokens;
        this.repeats = repeats;
    }

    /** @param withJavaLlama also run the java-llama-cpp engine (it cannot load qwen3) */
    public void run(Path model, String label, boolean withJavaLlama) throws Exception {
        ChatEngineConfig base = ChatEngineConfig.defaults(model).withThreads(threads).withContextLength(CONTEXT);
        long rssStart = rssKiB();
        RawLlama raw = new RawLlama(model, threads);
        long rssRaw = rssKiB();
        LlamaCppChatEngine one = new LlamaCppChatEngine(base.withSlots(1));
        long rssOne = rssKiB();
        LlamaCppChatEngine four = new LlamaCppChatEngine(base.withSlots(4));
        long rssFour = rssKiB();
        LlamaChatEngine jllama = withJavaLlama ? new LlamaChatEngine(base.withEngine(ChatEngineKind.JAVA_LLAMA_CPP)) : null;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Double> rawDecode = new ArrayList<>(), engineDecode = new ArrayList<>(), jDecode = new ArrayList<>();
        List<Double> oneSlot = new ArrayList<>(), fourSlots = new ArrayList<>();
        List<Double> rawPrompt = new ArrayList<>(), enginePrompt = new ArrayList<>();
        int promptTokens = raw.promptTokens(Jobs.PROMPT);
        try {
            for (int r = -1; r < repeats; r++) { // repeat −1 warms every path up and is not counted
                int n = r < 0 ? 8 : maxTokens;
                Run rawN = raw.generate(Jobs.PROMPT, n), raw1 = raw.generate(Jobs.PROMPT, 1);
                Run engN = engine(one, n), eng1 = engine(one, 1);
                Run jN = jllama == null ? null : engine(jllama, n), j1 = jllama == null ? null : engine(jllama, 1);
                Run oneN = engine(four, n), one1 = engine(four, 1);
                Run fourN = together(four, pool, n), four1 = together(four, pool, 1);
                if (r < 0) continue;
                rawDecode.add(decode(rawN, raw1));
                engineDecode.add(decode(engN, eng1));
                if (jllama != null) jDecode.add(decode(jN, j1));
                oneSlot.add(decode(oneN, one1));
                fourSlots.add(decode(fourN, four1));
                rawPrompt.add(promptTokens / (raw1.ms() / 1000));
                enginePrompt.add(promptTokens / (eng1.ms() / 1000));
            }
        } finally {
            pool.shutdownNow();
            one.close();
            four.close();
            if (jllama != null) jllama.close();
            raw.close();
        }
        String setup = f("%s, %d threads, ctx %d per sequence, prompt %d tokens, %d generated, greedy, %d repeats",
                ModelCache.describe(model), threads, CONTEXT, promptTokens, maxTokens, repeats);
        row(label + " decode tok/s: raw llama.cpp C API (same process)", rawDecode, setup);
        row(label + " decode tok/s: llama-cpp engine, 1 slot", engineDecode, setup);
        if (!jDecode.isEmpty()) row(label + " decode tok/s: java-llama-cpp engine (b4916)", jDecode, setup);
        ratio(label + " llama-cpp engine / raw C API (decode)", engineDecode, rawDecode, 0.95);
        if (!jDecode.isEmpty()) {
            ratio(label + " llama-cpp engine / java-llama-cpp engine (decode)", engineDecode, jDecode, 1.8);
        }
        row(label + " aggregate decode tok/s: 4-slot engine, 1 job", oneSlot, setup);
        row(label + " aggregate decode tok/s: 4-slot engine, 4 jobs at once", fourSlots, setup);
        ratio(label + " 4 busy slots / 1 (aggregate decode)", fourSlots, oneSlot, 1.4);
        row(label + " prompt tok/s (prompt + 1 token): raw C API", rawPrompt, setup);
        row(label + " prompt tok/s (prompt + 1 token): llama-cpp engine", enginePrompt, setup);
        ratio(label + " llama-cpp engine / raw C API (prompt)", enginePrompt, rawPrompt, 0.95);
        table.add("11", label + " resident memory (RSS growth), MiB: raw; engine 1 slot; engine 4 slots",
                f("%d; %d; %d", (rssRaw - rssStart) >> 10, (rssOne - rssRaw) >> 10, (rssFour - rssOne) >> 10), "–",
                "–", "info", "weights are mmap'd and shared by the three loads of one file; each context adds its KV cache");
    }

    private void row(String figure, List<Double> values, String setup) {
        Stats s = Stats.of(values);
        table.add("11", figure, f("%.2f", s.median()), s.range("%.2f"), "–", "info", setup);
    }

    private void ratio(String figure, List<Double> a, List<Double> b, double target) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) r.add(a.get(i) / b.get(i));
        Stats s = Stats.of(r);
        table.add("11", figure, f("%.3f", s.median()), s.range("%.3f"), f("≥ %.2f", target),
                ResultTable.verdict(s.median() >= target), "same repeats, paired");
    }

    private static double decode(Run n, Run one) {
        return (n.tokens() - one.tokens()) / ((n.ms() - one.ms()) / 1000);
    }

    private static ChatRequest request(int tokens) {
        return ChatRequest.ofPrompt(Jobs.PROMPT).withTemperature(0).withMaxTokens(tokens);
    }

    private static <P> Run engine(Engine<P> engine, int tokens) throws JobFailure {
        var prepared = engine.prepare(Jobs.job(request(tokens), CachePolicy.BYPASS));
        long start = System.nanoTime();
        var out = engine.run(prepared, ChunkSink.NONE);
        return new Run(out.usage().completionTokens(), (System.nanoTime() - start) / 1e6);
    }

    private static Run together(LlamaCppChatEngine engine, ExecutorService pool, int tokens) throws Exception {
        List<Future<Run>> runs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) runs.add(pool.submit(() -> engine(engine, tokens)));
        int total = 0;
        for (Future<Run> r : runs) total += r.get().tokens();
        return new Run(total, (System.nanoTime() - start) / 1e6);
    }

    private static long rssKiB() {
        System.gc();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (Exception e) {
            // not Linux: no figure
        }
        return 0;
    }

    /** llama.cpp through its C API with nothing in between: what a 40-line C program does. */
    static final class RawLlama implements AutoCloseable {
        private final LlamaLibrary lib;
        private final Pointer model;
        private final Pointer ctx;
        private final Pointer vocab;
        private final LlamaBatch.ByValue batch;

        RawLlama(Path file, int threads) {
            lib = LlamaNatives.load(null).llama();
            LlamaModelParams.ByValue mp = lib.llama_model_default_params();
            mp.n_gpu_layers = 0;
            model = lib.llama_model_load_from_file(file.toString(), mp);
            LlamaContextParams.ByValue cp = lib.llama_context_default_params();
            cp.n_ctx = CONTEXT;
            cp.n_batch = 512;
            cp.n_ubatch = 512;
            cp.n_seq_max = 1;
            cp.n_threads = threads;
            cp.n_threads_batch = threads;
            cp.no_perf = 1;
            ctx = lib.llama_init_from_model(model, cp);
            vocab = lib.llama_model_get_vocab(model);
            batch = lib.llama_batch_init(512, 0, 1);
        }

        int[] tokenize(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int[] t = new int[b.length + 8];
            int n = lib.llama_tokenize(vocab, b, b.length, t, t.length, true, true);
            return Arrays.copyOf(t, n);
        }

        int promptTokens(String text) {
            return tokenize(text).length;
        }

        Run generate(String prompt, int tokens) {
            long start = System.nanoTime();
            lib.llama_memory_clear(lib.llama_get_memory(ctx), true);
            LlamaSamplerChainParams.ByValue sp = lib.llama_sampler_chain_default_params();
            Pointer chain = lib.llama_sampler_chain_init(sp);
            lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_greedy());
            int[] p = tokenize(prompt);
            Pointer seq0 = batch.seq_id.getPointer(0);
            for (int i = 0; i < p.length; i++) {
                batch.token.setInt(4L * i, p[i]);
                batch.pos.setInt(4L * i, i);
                batch.n_seq_id.setInt(4L * i, 1);
                batch.seq_id.getPointer(8L * i).setInt(0, 0);
                batch.logits.setByte(i, (byte) (i == p.length - 1 ? 1 : 0));
            }
            batch.n_tokens = p.length;
            lib.llama_decode(ctx, batch);
            int generated = 0, pos = p.length;
            while (generated < tokens) {
                int t = lib.llama_sampler_sample(chain, ctx, -1);
                if (lib.llama_vocab_is_eog(vocab, t) != 0) break;
                generated++;
                if (generated == tokens) break;
                batch.token.setInt(0, t);
                batch.pos.setInt(0, pos++);
                batch.n_seq_id.setInt(0, 1);
                seq0.setInt(0, 0);
                batch.logits.setByte(0, (byte) 1);
                batch.n_tokens = 1;
                lib.llama_decode(ctx, batch);
            }
            lib.llama_sampler_free(chain);
            return new Run(generated, (System.nanoTime() - start) / 1e6);
        }

        @Override
        public void close() {
            lib.llama_batch_free(batch);
            lib.llama_free(ctx);
            lib.llama_model_free(model);
        }
    }
}
