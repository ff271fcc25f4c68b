package io.xaichat.worker.chat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.xaichat.llama.LlamaChatMessage;
import io.xaichat.llama.LlamaContextParams;
import io.xaichat.llama.LlamaLibrary;
import io.xaichat.llama.LlamaModelParams;
import io.xaichat.llama.LlamaNatives;
import io.xaichat.schema.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A GGUF model loaded into llama.cpp with one context of {@code slots} sequences, each with its own KV cache of
 * {@code contextLength} tokens (a non-unified cache: sequences never see each other's tokens). Vocabulary calls
 * (tokenize, pieces, chat template) are safe from any thread; the context belongs to the decode thread.
 */
final class LlamaCppModel implements AutoCloseable {
    private final LlamaLibrary lib;
    private final Pointer model;
    private final Pointer context;
    private final Pointer vocab;
    private final Pointer memory;
    private final int nVocab;
    private final int contextPerSequence;
    private final String chatTemplate;

    private LlamaCppModel(LlamaLibrary lib, Pointer model, Pointer context, int contextPerSequence) {
        this.lib = lib;
        this.model = model;
        this.context = context;
        this.vocab = lib.llama_model_get_vocab(model);
        this.memory = lib.llama_get_memory(context);
        this.nVocab = lib.llama_vocab_n_tokens(vocab);
        this.contextPerSequence = contextPerSequence;
        this.chatTemplate = lib.llama_model_chat_template(model, null);
    }

    /** @throws ModelLoadException when llama.cpp refuses the file or cannot allocate the context */
    static LlamaCppModel load(LlamaNatives natives, ChatEngineConfig config, int slots, String architecture) {
        LlamaLibrary lib = natives.llama();
        LlamaModelParams.ByValue mp = lib.llama_model_default_params();
        mp.n_gpu_layers = 0; // CPU only: a GPU build would otherwise offload by default
        Pointer model = lib.llama_model_load_from_file(config.model().toAbsolutePath().toString(), mp);
        if (model == null) {
            throw new ModelLoadException("llama.cpp could not load model " + config.model() + " (architecture '"
                    + architecture + "'); its log (io.xaichat.llama.native at DEBUG) has the details");
        }
        LlamaContextParams.ByValue cp = lib.llama_context_default_params();
        cp.n_ctx = config.contextLength() * slots;
        cp.n_seq_max = slots;
        cp.n_batch = Math.max(config.batchSize(), slots);
        cp.n_ubatch = Math.min(cp.n_batch, 512);
        cp.n_threads = config.threads();
        cp.n_threads_batch = config.threads();
        cp.kv_unified = 0; // each slot its own cache stream: a job's tokens never depend on its neighbours
        cp.no_perf = 1;
        Pointer context = lib.llama_init_from_model(model, cp);
        if (context == null) {
            lib.llama_model_free(model);
            throw new ModelLoadException("llama.cpp could not create a context of " + slots + " × "
                    + config.contextLength() + " tokens for model " + config.model() + " (out of memory?)");
        }
        int perSequence = lib.llama_n_ctx_seq(context);
        return new LlamaCppModel(lib, model, context, Math.min(perSequence, config.contextLength()));
    }

    LlamaLibrary lib() {
        return lib;
    }

    Pointer context() {
        return context;
    }

    Pointer vocab() {
        return vocab;
    }

    Pointer memory() {
        return memory;
    }

    int vocabSize() {
        return nVocab;
    }

    /** Tokens of context each sequence has. */
    int contextPerSequence() {
        return contextPerSequence;
    }

    /** Resident size of the weights in bytes. */
    long modelBytes() {
        return lib.llama_model_size(model);
    }

    boolean hasChatTemplate() {
        return chatTemplate != null && !chatTemplate.isEmpty();
    }

    /** The text of the model's {@code tokenizer.chat_template}, or null. */
    String chatTemplate() {
        return chatTemplate;
    }

    /** The prompt tokens of {@code text}: special tokens parsed, BOS added when the model asks for it. */
    int[] tokenize(String text, boolean addSpecial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[utf8.length + 8];
        int n = lib.llama_tokenize(vocab, utf8, utf8.length, tokens, tokens.length, addSpecial, true);
        if (n < 0) {
            tokens = new int[-n];
            n = lib.llama_tokenize(vocab, utf8, utf8.length, tokens, tokens.length, addSpecial, true);
        }
        if (n < 0) throw new IllegalStateException("llama_tokenize failed (" + n + ")");
        return Arrays.copyOf(tokens, n);
    }

    /** The bytes a token stands for (control tokens such as end-of-turn render as nothing). */
    byte[] piece(int token) {
        byte[] buf = new byte[64];
        int n = lib.llama_token_to_piece(vocab, token, buf, buf.length, 0, false);
        if (n < 0) {
            buf = new byte[-n];
            n = lib.llama_token_to_piece(vocab, token, buf, buf.length, 0, false);
        }
        return Arrays.copyOf(buf, Math.max(n, 0));
    }

    boolean isEndOfGeneration(int token) {
        return lib.llama_vocab_is_eog(vocab, token) != 0;
    }

    /**
     * The model's chat template applied to the messages, ending with the assistant's turn. llama.cpp matches the
     * template text against the formats it knows (ChatML, Llama 3, Gemma, ...).
     *
     * @throws IllegalStateException when the model has no template or llama.cpp does not know its format
     */
    String applyTemplate(List<ChatMessage> messages) {
        if (!hasChatTemplate()) throw new IllegalStateException("the model has no chat template (tokenizer.chat_template)");
        LlamaChatMessage[] chat = (LlamaChatMessage[]) new LlamaChatMessage().toArray(messages.size());
        List<Memory> keep = new ArrayList<>();
        int size = 256;
        for (int i = 0; i < messages.size(); i++) {
            chat[i].role = cString(messages.get(i).role(), keep);
            chat[i].content = cString(messages.get(i).content(), keep);
            chat[i].write();
            size += 2 * (messages.get(i).content().length() + 16);
        }
        byte[] buf = new byte[size];
        int n = lib.llama_chat_apply_template(chatTemplate, chat[0], messages.size(), true, buf, buf.length);
        if (n > buf.length) {
            buf = new byte[n];
            n = lib.llama_chat_apply_template(chatTemplate, chat[0], messages.size(), true, buf, buf.length);
        }
        java.lang.ref.Reference.reachabilityFence(keep); // the C strings must outlive both calls
        if (n < 0) throw new IllegalStateException("llama.cpp does not know the model's chat template format");
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static Pointer cString(String s, List<Memory> keep) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(utf8.length + 1L);
        m.write(0, utf8, 0, utf8.length);
        m.setByte(utf8.length, (byte) 0);
        keep.add(m);
        return m;
    }

    @Override
    public void close() {
        lib.llama_free(context);
        lib.llama_model_free(model);
    }
}
