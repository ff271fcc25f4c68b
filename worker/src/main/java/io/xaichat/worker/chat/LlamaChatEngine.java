package io.xaichat.worker.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.xaichat.schema.ChatMessage;
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
import io.xaichat.worker.cpu.ThreadAffinity;
import io.xaichat.worker.engine.PreparedJob;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Chat completion on a resident GGUF model through java-llama.cpp. The model is checked (GGUF header, supported
 * architecture), loaded once, warmed up with a one-token generation and kept until {@link #close()}.
 *
 * <p>Messages go through the model's own chat template; a raw {@code prompt} is completed as is. Sampling follows
 * llama.cpp: temperature 0 is greedy, top_k 0 and top_p 1 disable those filters, a seed makes sampling repeatable.
 * The prompt cache is off so the same request always runs the same computation (and gives the same output).
 *
 * <p>After {@link #close()} a native thread of java-llama.cpp keeps the JVM alive: command-line entry points must
 * call {@link System#exit} when done.
 */
public final class LlamaChatEngine implements Engine<LlamaChatEngine.Plan> {
    /**
     * What prepare computed for a job: the checked request and the prompt text (template applied). A short prompt
     * is not tokenized in prepare (it fits anyway: cheap for the many short prompts of a cache-hit batch); its token
     * count is then {@link #UNCOUNTED} and run, which needs it, counts it once.
     */
    public record Plan(ChatRequest request, String prompt, int promptTokens) {}

    static final int UNCOUNTED = -1;

    private final ChatEngineConfig config;
    private final String modelId;
    private final String modelDigest;
    private final boolean addsBos;
    private final LlamaModel model;
    // Run calls are serialized; prepare (tokenizing) may run beside a run, as llama-server tokenizes beside its loop.
    // Both hold the read side of the lifetime lock, so close() never frees the model under them.
    private final ReentrantLock runLock = new ReentrantLock();
    private final ReentrantReadWriteLock lifetime = new ReentrantReadWriteLock();
    private final AtomicLong inferences = new AtomicLong();
    private final long loadMillis;
    private volatile boolean closed;

    /**
     * Checks and loads the model, then warms it up.
     *
     * @throws ModelLoadException when the file is missing, not GGUF, of an unsupported architecture, or llama.cpp
     *     refuses it
     */
    public LlamaChatEngine(ChatEngineConfig config) {
        long start = System.nanoTime();
        this.config = config;
        GgufHeader header = GgufHeader.read(config.model());
        LlamaArchitectures.check(header.architecture(), config.model());
        this.addsBos = header.bool("tokenizer.ggml.add_bos_token")
                .orElse("llama".equals(header.string("tokenizer.ggml.model").orElse("")));
        this.modelId = config.effectiveModelId();
        this.modelDigest = ModelFingerprint.of(config.model());
        LlamaNativeLibrary.prepare();
        // The model's native server thread and its OpenMP workers start during the load and inherit this binding.
        this.model = ThreadAffinity.callPinned(config.cpus(), () -> load(config, header.architecture()));
        try {
            model.complete(new InferenceParameters("Hello").setNPredict(1).setTemperature(0f).setCachePrompt(false));
        } catch (RuntimeException e) {
            model.close();
            throw new ModelLoadException("model " + config.model() + " loaded but failed its warm-up generation: "
                    + e.getMessage(), e);
        }
        this.loadMillis = (System.nanoTime() - start) / 1_000_000;
    }

    private static LlamaModel load(ChatEngineConfig config, String architecture) {
        ModelParameters params = new ModelParameters()
                .setModel(config.model().toString())
                .setThreads(config.threads())
                .setThreadsBatch(config.threads())
                .setCtxSize(config.contextLength())
                .setBatchSize(config.batchSize())
                .setUbatchSize(Math.min(config.batchSize(), 512))
                .setParallel(1)
                .disableLog();
        LlamaCpuPlacement.apply(config.cpus(), params);
        try {
            return new LlamaModel(params);
        } catch (RuntimeException e) {
            throw new ModelLoadException("llama.cpp could not load model " + config.model() + " (architecture '"
                    + architecture + "'): " + e.getMessage(), e);
        }
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

    public ChatEngineConfig config() {
        return config;
    }

    /** Milliseconds the constructor took: header check, digest, load and warm-up. */
    public long loadMillis() {
        return loadMillis;
    }

    /** The plan is the request with defaults, its rendered prompt and cache material: nothing else goes in. */
    @Override
    public boolean plansFollowFromRequest() {
        return true;
    }

    @Override
    public PreparedJob<Plan> prepare(JobEnvelope job) throws JobFailure {
        ChatRequest request = ChatRequests.parse(job, config.defaultMaxTokens());
        if (request.usesExtendedOptions()) {
            throw ChatRequests.invalid("the java-llama-cpp chat engine serves only messages/prompt, max_tokens, "
                    + "temperature, top_p, top_k, seed and stop; thinking, penalties, logit_bias, logprobs and "
                    + "response_format need the llama-cpp engine (XAICHAT_CHAT_ENGINE=llama-cpp)");
        }
        PromptByteLimit.check(request, config.promptLimit(), config.contextLength());
        String prompt;
        int tokens = UNCOUNTED;
        lifetime.readLock().lock(); // the tokenizer lives in native memory that close() frees
        try {
            ensureOpen();
            prompt = promptText(request);
            // A token covers at least one byte of text (plus BOS and a space prefix), so a prompt with fewer bytes
            // than the limit fits without tokenizing it: cheap for the many short prompts of a cache-hit batch.
            if (prompt.getBytes(StandardCharsets.UTF_8).length + 4 > config.promptLimit()) {
                tokens = promptTokens(prompt);
                checkFits(tokens);
            }
        } finally {
            lifetime.readLock().unlock();
        }
        return new PreparedJob<>(job, new Plan(request, prompt, tokens),
                ChatRequests.cacheMaterial(request, config.contextLength()),
                ChatRequests.deterministic(request), request.streaming());
    }

    private void ensureOpen() throws JobFailure {
        if (closed) throw new JobFailure(ErrorCode.ENGINE_FAILURE, "the chat engine for " + modelId + " is closed");
    }

    private void checkFits(int promptTokens) throws JobFailure {
        ChatRequests.checkFits(promptTokens, config.promptLimit(), config.contextLength());
    }

    /** The text given to the model: the chat template applied to the messages, or the raw prompt. */
    String promptText(ChatRequest r) throws JobFailure {
        if (r.messages() == null) return r.prompt();
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : r.messages()) messages.addObject().put("role", m.role()).put("content", m.content());
        try {
            return model.applyTemplate(body.toString());
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "the chat template of " + modelId
                    + " failed on the messages: " + e.getMessage(), e);
        }
    }

    /** Tokens the server will evaluate for this text: special tokens parsed, plus BOS if the model adds one. */
    int promptTokens(String text) throws JobFailure {
        try {
            return model.encode(text).length + (addsBos ? 1 : 0);
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "tokenizing the prompt failed: " + e.getMessage(), e);
        }
    }

    @Override
    public EngineResult run(PreparedJob<Plan> job, ChunkSink sink) throws JobFailure {
        lifetime.readLock().lock();
        runLock.lock();
        try {
            ensureOpen();
            ChatRequest r = job.plan().request();
            String prompt = job.plan().prompt();
            int promptTokens = job.plan().promptTokens();
            if (promptTokens == UNCOUNTED) promptTokens = promptTokens(prompt); // short: fits, as prepare knew
            // Never ask for more than the context holds: the rest of max_tokens would be cut anyway ("length").
            int limit = Math.min(r.maxTokens(), config.contextLength() - promptTokens);
            return generate(job, parameters(prompt, r, limit), promptTokens, limit, sink);
        } finally {
            runLock.unlock();
            lifetime.readLock().unlock();
        }
    }

    private static InferenceParameters parameters(String prompt, ChatRequest r, int limit) {
        InferenceParameters p = new InferenceParameters(prompt)
                .setNPredict(limit)
                .setTemperature(r.temperature().floatValue())
                .setTopP(r.topP().floatValue())
                .setTopK(r.topK())
                .setCachePrompt(false);
        if (r.seed() != null) {
            p.setSeed((int) ChatRequests.llamaSeed(r.seed())); // the native side reads the bits back as uint32
        }
        if (r.stop() != null) p.setStopStrings(r.stop().toArray(String[]::new));
        return p;
    }

    private EngineResult generate(PreparedJob<Plan> job, InferenceParameters params, int promptTokens,
                                  int limit, ChunkSink sink) throws JobFailure {
        StringBuilder text = new StringBuilder();
        CompletionTokenCounter counter = new CompletionTokenCounter(this::tokenCount);
        LlamaIterator pieces = callNative(job, () -> model.generate(params).iterator());
        inferences.incrementAndGet();
        try {
            while (pieces.hasNext()) {
                LlamaOutput out = callNative(job, pieces::next);
                boolean last = !pieces.hasNext(); // the closing result carries no token
                if (!out.text.isEmpty()) {
                    text.append(out.text);
                    if (job.streaming()) sink.text(out.text);
                }
                if (!last) counter.piece(out.text);
            }
        } finally {
            if (pieces.hasNext()) pieces.cancel(); // failed midway: free the slot for the next job
        }
        int completion = counter.tokens(limit);
        String finish = completion >= limit ? "length" : "stop";
        return new EngineResult(TextNode.valueOf(text.toString()), new Usage(promptTokens, completion), finish);
    }

    /** Runs a native call; java-llama.cpp's LlamaException is package-private, so any RuntimeException counts. */
    private static <T> T callNative(PreparedJob<Plan> job, Supplier<T> call) throws JobFailure {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "llama.cpp failed on job " + job.envelope().jobId()
                    + ": " + e.getMessage(), e);
        }
    }

    private int tokenCount(String text) {
        return model.encode(text).length;
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
        lifetime.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            model.close();
        } finally {
            lifetime.writeLock().unlock();
        }
    }
}
