package io.xaichat.worker.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.xaichat.llama.LlamaNatives;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.Usage;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.ModelFingerprint;
import io.xaichat.worker.engine.PreparedJob;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Chat completion on a resident GGUF model through the current llama.cpp's C API (the llama-native module). The
 * model is checked (GGUF header, an architecture this llama.cpp runs), loaded once with a context of
 * {@link ChatEngineConfig#slots()} sequences, warmed up with a one-token generation and kept until {@link #close()}.
 *
 * <p>Up to {@link #slots()} {@link #run} calls are served at once: a {@link BatchDecoder} decodes them together,
 * one {@code llama_batch} per step, each with its own sampler chain, stop strings, limit and deadline. Token counts
 * in {@code usage} are the tokens actually evaluated and sampled.
 *
 * <p>Messages go through the model's own chat template; a raw {@code prompt} is completed as is. Sampling follows
 * llama.cpp: temperature 0 is greedy, top_k 0 and top_p 1 disable those filters, a seed makes sampling repeatable.
 */
public final class LlamaCppChatEngine implements Engine<ChatPlan> {
    private static final String WARM_UP_PROMPT = "Hello";

    private final ChatEngineConfig config;
    private final String modelId;
    private final String modelDigest;
    private final LlamaCppModel model;
    private final BatchDecoder decoder;
    private final ChatPrompts prompts;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final AtomicLong inferences = new AtomicLong();
    private final long loadMillis;
    private volatile boolean closed;

    /**
     * Checks and loads the model, then warms it up.
     *
     * @throws io.xaichat.llama.NativeLibraryException when llama.cpp's libraries are missing or unusable (names the file)
     * @throws ModelLoadException when the file is missing, not GGUF, of an unsupported architecture, or llama.cpp
     *     refuses it
     */
    public LlamaCppChatEngine(ChatEngineConfig config) {
        long start = System.nanoTime();
        this.config = config;
        GgufHeader header = GgufHeader.read(config.model());
        LlamaNatives natives = LlamaNatives.load(config.nativeDir());
        LlamaCppArchitectures.check(header.architecture(), config.model());
        this.modelId = config.effectiveModelId();
        this.modelDigest = ModelFingerprint.of(config.model());
        this.model = LlamaCppModel.load(natives, config, config.slots(), header.architecture());
        this.prompts = new ChatPrompts(model, ThinkingPrompt.forModel(header));
        this.decoder = new BatchDecoder(model, config.slots(), Math.max(config.batchSize(), config.slots()),
                config.cpus(), "chat-decode-" + modelId, Clock.systemUTC());
        try {
            warmUp();
        } catch (RuntimeException | JobFailure e) {
            closeNative();
            throw new ModelLoadException("model " + config.model() + " loaded but failed its warm-up generation: "
                    + e.getMessage(), e);
        }
        this.loadMillis = (System.nanoTime() - start) / 1_000_000;
    }

    private void warmUp() throws JobFailure {
        ChatRequest r = ChatRequest.ofPrompt(WARM_UP_PROMPT).withSampling(1, 0.0, 1.0, 0);
        Sequence s = new Sequence("warm-up", model.tokenize(WARM_UP_PROMPT, true), SamplerChain.of(model, r, 1), 1,
                null, null, null);
        decoder.submit(s);
        await(s, piece -> {});
    }

    @Override
    public JobKind kind() {
        return JobKind.CHAT;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public String modelDigest() {
        return modelDigest;
    }

    @Override
    public int slots() {
        return config.slots();
    }

    public ChatEngineConfig config() {
        return config;
    }

    /** Milliseconds the constructor took: header check, digest, load and warm-up. */
    public long loadMillis() {
        return loadMillis;
    }

    /** The loaded model (tests read its tokenizer). */
    LlamaCppModel model() {
        return model;
    }

    /** Bytes of model weights llama.cpp holds. */
    public long modelBytes() {
        return model.modelBytes();
    }

    /** The plan is the request with defaults, its rendered prompt and cache material: nothing else goes in. */
    @Override
    public boolean plansFollowFromRequest() {
        return true;
    }

    @Override
    public PreparedJob<ChatPlan> prepare(JobEnvelope job) throws JobFailure {
        ChatRequest request = prompts.resolve(ChatRequests.parse(job, config.defaultMaxTokens()));
        PromptByteLimit.check(request, config.promptLimit(), config.contextLength());
        ChatPrompts.Rendered prompt = render(request); // once: run decodes these tokens
        checkFits(prompt.tokens().length);
        if (request.logitBias() != null) {
            for (String id : request.logitBias().keySet()) {
                if (Long.parseLong(id) >= model.vocabSize()) {
                    throw ChatRequests.invalid("logit_bias names token " + id + " but " + modelId + " has "
                            + model.vocabSize() + " tokens (ids 0.." + (model.vocabSize() - 1) + ")");
                }
            }
        }
        ObjectNode material = ChatRequests.cacheMaterial(request, config.contextLength());
        return new PreparedJob<>(job, new ChatPlan(request, prompt), material, ChatRequests.deterministic(request),
                request.streaming());
    }

    /** The prompt as llama.cpp evaluates it: template (and thinking switch) applied, BOS added if the model wants. */
    private ChatPrompts.Rendered render(ChatRequest request) throws JobFailure {
        lifecycle.readLock().lock(); // the vocabulary lives in native memory that close() frees
        try {
            ensureOpen();
            return prompts.render(request);
        } catch (IllegalStateException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "the chat template of " + modelId
                    + " failed on the messages: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void checkFits(int promptTokens) throws JobFailure {
        ChatRequests.checkFits(promptTokens, Math.min(config.promptLimit(), model.contextPerSequence() - 1),
                config.contextLength());
    }

    @Override
    public EngineResult run(PreparedJob<ChatPlan> job, ChunkSink sink) throws JobFailure {
        ChatRequest r = job.plan().request();
        ChatPrompts.Rendered prompt = job.plan().prompt();
        int[] tokens = prompt.tokens();
        // Never ask for more than the context holds: the rest of max_tokens would be cut anyway ("length").
        int limit = Math.min(r.maxTokens(), model.contextPerSequence() - tokens.length);
        Sequence s;
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            TokenLogprobs logprobs = Boolean.TRUE.equals(r.logprobs())
                    ? new TokenLogprobs(r.topLogprobs() == null ? 0 : r.topLogprobs()) : null;
            s = new Sequence(job.envelope().jobId(), tokens, SamplerChain.of(model, r, limit), limit, r.stop(),
                    job.envelope().deadline(), logprobs);
            decoder.submit(s);
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "llama.cpp could not start job " + job.envelope().jobId()
                    + ": " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
        inferences.incrementAndGet();
        // Reasoning and answer are told apart as the pieces arrive; only the answer is streamed.
        ReasoningSplitter split = prompts.splitter(prompt);
        ChunkSink out = job.streaming() ? sink : ChunkSink.NONE;
        Sequence.Outcome o = await(s, piece -> {
            String content = split.feed(piece).content();
            if (!content.isEmpty()) out.text(content);
        });
        String tail = split.finish().content();
        if (!tail.isEmpty()) out.text(tail);
        String reasoning = split.reasoning().isEmpty() ? null : split.reasoning();
        return new EngineResult(TextNode.valueOf(split.content()), new Usage(tokens.length, o.completionTokens()),
                o.finishReason(), reasoning, o.logprobs() == null ? null
                : Json.MAPPER.createObjectNode().set("content", o.logprobs()));
    }

    /** Receives the pieces of a running sequence on the job's thread. */
    private interface PieceSink {
        void piece(String text);
    }

    /** Waits for the sequence, passing its pieces to {@code sink}; an interrupt cancels it. */
    private static Sequence.Outcome await(Sequence s, PieceSink sink) throws JobFailure {
        try {
            while (true) {
                Object event = s.next();
                if (event instanceof String piece) sink.piece(piece);
                else if (event instanceof Sequence.Outcome o) return o;
                else if (event instanceof JobFailure f) throw f;
                else if (event == null) throw new JobFailure(ErrorCode.ENGINE_FAILURE, "job " + s.jobId() + " never ended");
            }
        } catch (InterruptedException e) {
            s.cancel();
            Thread.currentThread().interrupt();
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "job " + s.jobId() + " was interrupted", e);
        }
    }

    private void ensureOpen() throws JobFailure {
        if (closed) throw new JobFailure(ErrorCode.ENGINE_FAILURE, "the chat engine for " + modelId + " is closed");
    }

    @Override
    public CpuSet cpus() {
        return config.cpus();
    }

    @Override
    public long inferenceCount() {
        return inferences.get();
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            closeNative();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void closeNative() {
        decoder.close(); // fails running and waiting jobs, then frees the batch
        model.close();
    }
}
