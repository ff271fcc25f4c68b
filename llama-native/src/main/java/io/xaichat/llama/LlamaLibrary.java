package io.xaichat.llama;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The part of llama.cpp's C API ({@code include/llama.h} of the pinned build) the chat engine uses. Opaque
 * handles ({@code llama_model *}, {@code llama_context *}, {@code llama_vocab *}, {@code llama_sampler *},
 * {@code llama_memory_t}) are {@link Pointer}s. C {@code bool} results are {@code byte}s: JNA would read a
 * {@code boolean} result from the whole register. {@code size_t} is {@code long} (64-bit platforms only).
 * Strings are UTF-8 (set when the library is loaded).
 */
public interface LlamaLibrary extends Library {
    /** Sentinel seed of {@link #llama_sampler_init_dist}: pick a random seed. */
    int DEFAULT_SEED = 0xFFFF_FFFF;
    int FLASH_ATTN_AUTO = -1;

    String llama_version();
    String llama_print_system_info();
    void llama_backend_init();
    void llama_log_set(LogCallback callback, Pointer userData);

    LlamaModelParams.ByValue llama_model_default_params();
    LlamaContextParams.ByValue llama_context_default_params();
    LlamaSamplerChainParams.ByValue llama_sampler_chain_default_params();

    Pointer llama_model_load_from_file(String path, LlamaModelParams.ByValue params);
    void llama_model_free(Pointer model);
    Pointer llama_init_from_model(Pointer model, LlamaContextParams.ByValue params);
    void llama_free(Pointer ctx);

    int llama_n_ctx(Pointer ctx);
    int llama_n_ctx_seq(Pointer ctx);
    int llama_n_seq_max(Pointer ctx);
    Pointer llama_get_memory(Pointer ctx);
    Pointer llama_model_get_vocab(Pointer model);
    int llama_model_n_ctx_train(Pointer model);
    long llama_model_size(Pointer model);
    long llama_model_n_params(Pointer model);
    /** The model's chat template ({@code tokenizer.chat_template}), or null; {@code name} null for the default. */
    String llama_model_chat_template(Pointer model, String name);

    int llama_vocab_n_tokens(Pointer vocab);
    int llama_vocab_bos(Pointer vocab);
    int llama_vocab_eos(Pointer vocab);
    byte llama_vocab_is_eog(Pointer vocab, int token);
    byte llama_vocab_get_add_bos(Pointer vocab);

    int llama_tokenize(Pointer vocab, byte[] text, int textLen, int[] tokens, int maxTokens, boolean addSpecial,
                       boolean parseSpecial);
    int llama_token_to_piece(Pointer vocab, int token, byte[] buf, int length, int lstrip, boolean special);
    int llama_detokenize(Pointer vocab, int[] tokens, int nTokens, byte[] text, int maxLen, boolean removeSpecial,
                         boolean unparseSpecial);
    /** {@code chat} is the first of {@code nMsg} contiguous {@link LlamaChatMessage}s. */
    int llama_chat_apply_template(String template, LlamaChatMessage chat, long nMsg, boolean addAssistant,
                                  byte[] buf, int length);

    void llama_memory_clear(Pointer memory, boolean data);
    byte llama_memory_seq_rm(Pointer memory, int seqId, int p0, int p1);
    int llama_memory_seq_pos_max(Pointer memory, int seqId);

    LlamaBatch.ByValue llama_batch_init(int nTokens, int embd, int nSeqMax);
    void llama_batch_free(LlamaBatch.ByValue batch);
    int llama_decode(Pointer ctx, LlamaBatch.ByValue batch);
    void llama_set_n_threads(Pointer ctx, int nThreads, int nThreadsBatch);
    Pointer llama_get_logits_ith(Pointer ctx, int i);

    Pointer llama_sampler_chain_init(LlamaSamplerChainParams.ByValue params);
    /** Takes ownership of {@code sampler}: freeing the chain frees it. */
    void llama_sampler_chain_add(Pointer chain, Pointer sampler);
    Pointer llama_sampler_init_greedy();
    Pointer llama_sampler_init_dist(int seed);
    Pointer llama_sampler_init_top_k(int k);
    Pointer llama_sampler_init_top_p(float p, long minKeep);
    Pointer llama_sampler_init_min_p(float p, long minKeep);
    Pointer llama_sampler_init_temp(float t);
    /** Null when the grammar does not parse. */
    Pointer llama_sampler_init_grammar(Pointer vocab, String grammar, String root);
    Pointer llama_sampler_init_penalties(int nVocab, int lastN, float repeat, float frequency, float presence);
    /** {@code biases}: {@code n} pairs of (int32 token, float bias). */
    Pointer llama_sampler_init_logit_bias(int nVocab, int n, Pointer biases);
    int llama_sampler_sample(Pointer sampler, Pointer ctx, int idx);
    void llama_sampler_accept(Pointer sampler, int token);
    void llama_sampler_reset(Pointer sampler);
    void llama_sampler_free(Pointer sampler);

    /** {@code ggml_log_callback}: level (ggml_log_level), text, user data. */
    interface LogCallback extends Callback {
        void invoke(int level, Pointer text, Pointer userData);
    }
}
