package io.xaichat.worker.chat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.xaichat.llama.LlamaBuild;
import io.xaichat.llama.LlamaLibrary;
import io.xaichat.llama.LlamaSamplerChainParams;
import io.xaichat.schema.ChatRequest;
import java.util.Map;

/**
 * One sequence's llama.cpp sampler chain, in llama.cpp's usual order: logit bias, JSON grammar, presence/frequency
 * penalties, then greedy (temperature 0) or top-k → top-p → temperature → a seeded draw. Penalties count the
 * generated tokens only, as OpenAI's do. The chain is owned by one sequence and freed when it ends.
 */
final class SamplerChain implements AutoCloseable {
    private final LlamaLibrary lib;
    private final Pointer chain;

    private SamplerChain(LlamaLibrary lib, Pointer chain) {
        this.lib = lib;
        this.chain = chain;
    }

    /** @param limit completion tokens at most: the penalties' window */
    static SamplerChain of(LlamaCppModel model, ChatRequest r, int limit) {
        LlamaLibrary lib = model.lib();
        LlamaSamplerChainParams.ByValue params = lib.llama_sampler_chain_default_params();
        params.no_perf = 1;
        Pointer chain = lib.llama_sampler_chain_init(params);
        SamplerChain c = new SamplerChain(lib, chain);
        try {
            if (r.logitBias() != null && !r.logitBias().isEmpty()) c.add(logitBias(lib, model.vocabSize(), r.logitBias()));
            if (r.responseFormat() != null && r.responseFormat().isJson()) {
                Pointer grammar = lib.llama_sampler_init_grammar(model.vocab(), LlamaBuild.jsonGrammar(), "root");
                if (grammar == null) throw new IllegalStateException("llama.cpp rejected its own JSON grammar");
                c.add(grammar);
            }
            double presence = r.presencePenalty() == null ? 0 : r.presencePenalty();
            double frequency = r.frequencyPenalty() == null ? 0 : r.frequencyPenalty();
            if (presence != 0 || frequency != 0) {
                c.add(lib.llama_sampler_init_penalties(model.vocabSize(), Math.max(limit, 1), 1.0f,
                        (float) frequency, (float) presence));
            }
            if (r.temperature() == 0) {
                c.add(lib.llama_sampler_init_greedy());
            } else {
                if (r.topK() > 0) c.add(lib.llama_sampler_init_top_k(r.topK()));
                if (r.topP() < 1) c.add(lib.llama_sampler_init_top_p(r.topP().floatValue(), 1));
                c.add(lib.llama_sampler_init_temp(r.temperature().floatValue()));
                c.add(lib.llama_sampler_init_dist((int) ChatRequests.llamaSeed(r.seed())));
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static Pointer logitBias(LlamaLibrary lib, int nVocab, Map<String, Double> bias) {
        Memory pairs = new Memory(8L * bias.size());
        int i = 0;
        for (Map.Entry<String, Double> e : bias.entrySet()) {
            pairs.setInt(8L * i, Integer.parseInt(e.getKey()));
            pairs.setFloat(8L * i + 4, e.getValue().floatValue());
            i++;
        }
        Pointer sampler = lib.llama_sampler_init_logit_bias(nVocab, bias.size(), pairs); // copies the pairs
        java.lang.ref.Reference.reachabilityFence(pairs);
        return sampler;
    }

    private void add(Pointer sampler) {
        if (sampler == null) throw new IllegalStateException("llama.cpp could not create a sampler");
        lib.llama_sampler_chain_add(chain, sampler);
    }

    /** Samples (and accepts) the next token from output {@code index} of the last decode. */
    int sample(Pointer context, int index) {
        return lib.llama_sampler_sample(chain, context, index);
    }

    @Override
    public void close() {
        lib.llama_sampler_free(chain);
    }
}
