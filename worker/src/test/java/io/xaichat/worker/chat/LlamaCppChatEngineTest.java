package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.llama.NativeLibraryException;
import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResponseFormat;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llama-cpp engine against the real current llama.cpp with tiny random-weight models. */
class LlamaCppChatEngineTest {
    private static final int CONTEXT = 256;

    @TempDir
    static Path dir;
    static Path qwen2File;
    static LlamaCppChatEngine solo;
    static LlamaCppChatEngine batched;

    @BeforeAll
    static void load() {
        qwen2File = TinyGgufModels.qwen2(dir);
        solo = new LlamaCppChatEngine(config(qwen2File).withSlots(1));
        batched = new LlamaCppChatEngine(config(qwen2File).withSlots(4));
    }

    @AfterAll
    static void close() {
        if (solo != null) solo.close();
        if (batched != null) batched.close();
    }

    static ChatEngineConfig config(Path model) {
        return ChatEngineConfig.defaults(model).withThreads(1).withContextLength(CONTEXT).withDefaultMaxTokens(16);
    }

    static EngineResult run(LlamaCppChatEngine engine, ChatRequest request) throws JobFailure {
        return engine.run(prepare(engine, request), ChunkSink.NONE);
    }

    static PreparedJob<ChatPlan> prepare(LlamaCppChatEngine engine, ChatRequest request) throws JobFailure {
        return engine.prepare(JobEnvelope.of("job-1", JobKind.CHAT, "replies", request));
    }

    static String text(EngineResult r) {
        return r.output().asText();
    }

    static ChatRequest hello() {
        return ChatRequest.ofMessages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Say hello")));
    }

    /** Four different requests: different prompts, lengths, stop strings, sampling. */
    static List<ChatRequest> four() {
        return List.of(
                ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(24),
                hello().withTemperature(0).withMaxTokens(9),
                ChatRequest.ofPrompt("The weather today").withSeed(7).withTemperature(1.0).withMaxTokens(30),
                ChatRequest.ofMessages(List.of(ChatMessage.user("Count to ten"))).withSeed(3).withTemperature(0.7)
                        .withMaxTokens(17));
    }

    @Test
    void usageCountsAreTheTokensEvaluatedAndGenerated() throws JobFailure {
        ChatRequest request = hello().withTemperature(0).withMaxTokens(12);
        EngineResult r = run(solo, request);

        LlamaCppModel model = modelOf(solo);
        String prompt = model.applyTemplate(request.messages());
        assertThat(r.usage().promptTokens()).isEqualTo(model.tokenize(prompt, true).length).isGreaterThan(10);
        // Greedy output of a byte-level vocabulary: every generated token is one piece of the output text.
        assertThat(r.usage().completionTokens()).isEqualTo(model.tokenize(text(r), false).length)
                .isBetween(1, 12);
        assertThat(solo.modelId()).isEqualTo("tiny-qwen2-f16");
        assertThat(solo.slots()).isEqualTo(1);
        assertThat(batched.slots()).isEqualTo(4);
    }

    @Test
    void runDecodesThePlansTokensWithoutRenderingThePromptAgain() throws JobFailure {
        ChatRequest request = hello().withTemperature(0).withMaxTokens(4);
        PreparedJob<ChatPlan> prepared = prepare(solo, request);
        LlamaCppModel model = modelOf(solo);
        int[] planned = prepared.plan().prompt().tokens();
        assertThat(planned).containsExactly(model.tokenize(model.applyTemplate(request.messages()), true));

        // Hand run a plan whose tokens are another prompt's: run must evaluate exactly those, not re-render the request.
        ChatPrompts.Rendered other = new ChatPrompts.Rendered("Hi", model.tokenize("Hi", true));
        PreparedJob<ChatPlan> swapped = new PreparedJob<>(prepared.envelope(),
                new ChatPlan(prepared.plan().request(), other), prepared.cacheMaterial(), true, false);
        assertThat(other.tokens().length).isLessThan(planned.length);
        assertThat(solo.run(swapped, ChunkSink.NONE).usage().promptTokens()).isEqualTo(other.tokens().length);
        assertThat(solo.run(prepared, ChunkSink.NONE).usage().promptTokens()).isEqualTo(planned.length);
    }

    @Test
    void greedyOutputIsTheSameEveryRunAndForEverySlotCount() throws JobFailure {
        ChatRequest request = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(24);
        EngineResult first = run(solo, request);
        assertThat(text(run(solo, request))).isEqualTo(text(first));
        assertThat(text(run(batched, request))).isEqualTo(text(first));
        assertThat(text(first)).isNotEmpty();
    }

    @Test
    void fourConcurrentJobsEachGiveTheirSoloAnswer() throws Exception {
        List<ChatRequest> requests = four();
        List<EngineResult> alone = new ArrayList<>();
        for (ChatRequest r : requests) alone.add(run(solo, r));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<EngineResult>> together = new ArrayList<>();
            for (ChatRequest r : requests) together.add(pool.submit((Callable<EngineResult>) () -> run(batched, r)));
            for (int i = 0; i < requests.size(); i++) {
                EngineResult t = together.get(i).get();
                assertThat(text(t)).as("job %d", i).isEqualTo(text(alone.get(i)));
                assertThat(t.usage()).as("job %d", i).isEqualTo(alone.get(i).usage());
                assertThat(t.finishReason()).isEqualTo(alone.get(i).finishReason());
            }
        } finally {
            pool.shutdownNow();
        }
        // The distinct max_tokens of each slot held.
        for (int i = 0; i < requests.size(); i++) {
            assertThat(alone.get(i).usage().completionTokens()).isLessThanOrEqualTo(requests.get(i).maxTokens());
        }
        assertThat(alone.get(1).finishReason()).isEqualTo("length");
        assertThat(alone.get(1).usage().completionTokens()).isEqualTo(9);
    }

    @Test
    void stopStringsAndLimitsApplyPerSlotWhileBatched() throws Exception {
        ChatRequest base = ChatRequest.ofPrompt("The weather today").withSeed(7).withTemperature(1.0).withMaxTokens(40);
        String full = text(run(solo, base));
        String stop = LlamaChatEngineTest.asciiPairAfter(full, 4);
        String expected = full.substring(0, full.indexOf(stop));

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<EngineResult> stopped = pool.submit(() -> run(batched, base.withStop(List.of(stop))));
            Future<EngineResult> short3 = pool.submit(() -> run(batched, base.withMaxTokens(3)));
            Future<EngineResult> plain = pool.submit(() -> run(batched, base));
            assertThat(text(stopped.get())).isEqualTo(expected).doesNotContain(stop);
            assertThat(stopped.get().finishReason()).isEqualTo("stop");
            assertThat(short3.get().usage().completionTokens()).isEqualTo(3);
            assertThat(short3.get().finishReason()).isEqualTo("length");
            assertThat(full).startsWith(text(short3.get()));
            assertThat(text(plain.get())).isEqualTo(full);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streamedPiecesAddUpToTheAnswer() throws JobFailure {
        List<String> pieces = new ArrayList<>();
        ChatRequest request = hello().withTemperature(0).withMaxTokens(10).withStream(true);
        EngineResult r = solo.run(prepare(solo, request), new ChunkSink() {
            @Override public void text(String delta) { pieces.add(delta); }
            @Override public void progress(int step, int steps) {}
        });
        assertThat(String.join("", pieces)).isEqualTo(text(r));
        assertThat(pieces).hasSizeGreaterThan(1);
    }

    @Test
    void penaltiesAndLogitBiasChangeASeededAnswer() throws JobFailure {
        ChatRequest base = ChatRequest.ofPrompt("Once upon a time").withSeed(11).withTemperature(0.8).withMaxTokens(30);
        String plain = text(run(solo, base));
        assertThat(text(run(solo, base))).isEqualTo(plain);

        String penalized = text(run(solo, base.withPenalties(2.0, 2.0)));
        System.out.println("plain: " + plain + "\npenalized: " + penalized);
        assertThat(penalized).isNotEqualTo(plain);

        // Ban the first generated token: the answer cannot start with it any more.
        LlamaCppModel model = modelOf(solo);
        int first = model.tokenize(plain, false)[0];
        String biased = text(run(solo, base.withLogitBias(Map.of(Integer.toString(first), -100.0))));
        assertThat(model.tokenize(biased, false)[0]).isNotEqualTo(first);
    }

    @Test
    void jsonModeOutputParsesAsJson() throws Exception {
        ChatRequest request = ChatRequest.ofPrompt("Reply in JSON:").withSeed(5).withTemperature(0.8)
                .withMaxTokens(120).withResponseFormat(ResponseFormat.json());
        EngineResult r = run(solo, request);
        assertThat(r.finishReason()).as("output %s", text(r)).isEqualTo("stop");
        assertThat(text(r)).isNotBlank();
        JsonNode parsed = Json.MAPPER.readTree(text(r));
        assertThat(parsed.isMissingNode()).isFalse();
        System.out.println("JSON mode: " + text(r));
    }

    @Test
    void logprobsComeInOpenAisShape() throws JobFailure {
        EngineResult r = run(solo, hello().withTemperature(0).withMaxTokens(6).withLogprobs(true, 3));
        JsonNode content = r.logprobs().get("content");
        assertThat(content).hasSize(r.usage().completionTokens());
        StringBuilder joined = new StringBuilder();
        for (JsonNode t : content) {
            joined.append(t.get("token").asText());
            assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0);
            assertThat(t.get("top_logprobs")).hasSize(3);
            // Greedy: the chosen token is the most likely one.
            assertThat(t.get("top_logprobs").get(0).get("logprob").asDouble()).isEqualTo(t.get("logprob").asDouble());
        }
        assertThat(joined.toString()).isEqualTo(text(r));
    }

    @Test
    void aPassedDeadlineEndsTheJob() throws JobFailure {
        ChatRequest request = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(50);
        JobEnvelope job = JobEnvelope.of("late", JobKind.CHAT, "replies", request).withDeadline(Instant.now().minusSeconds(1));
        PreparedJob<ChatPlan> prepared = solo.prepare(job);
        assertThatThrownBy(() -> solo.run(prepared, ChunkSink.NONE))
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.DEADLINE_EXPIRED));
        assertThat(text(run(solo, request.withMaxTokens(2)))).isNotNull(); // the slot is free again
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> prepare(solo, hello().withLogitBias(Map.of("99999999", 1.0))))
                .hasMessageContaining("logit_bias names token 99999999");
        assertThatThrownBy(() -> prepare(solo, hello().withLogprobs(null, 3))).hasMessageContaining("needs logprobs");
        assertThatThrownBy(() -> prepare(solo, hello().withPenalties(3.0, null))).hasMessageContaining("presence_penalty");
    }

    @Test
    void qwen3LoadsAndAnswers() throws JobFailure {
        try (LlamaCppChatEngine qwen3 = new LlamaCppChatEngine(config(TinyGgufModels.qwen3(dir)))) {
            EngineResult r = run(qwen3, hello().withTemperature(0).withMaxTokens(8));
            assertThat(r.usage().completionTokens()).isBetween(1, 8);
        }
    }

    @Test
    void qwen3ThinkingIsARequestOptionNeverSharingACacheKey() throws JobFailure {
        try (LlamaCppChatEngine qwen3 = new LlamaCppChatEngine(config(TinyGgufModels.qwen3(dir)))) {
            ChatRequest request = hello().withTemperature(0).withMaxTokens(8);
            PreparedJob<ChatPlan> byDefault = prepare(qwen3, request);
            PreparedJob<ChatPlan> on = prepare(qwen3, request.withThinking(true));
            PreparedJob<ChatPlan> off = prepare(qwen3, request.withThinking(false));
            assertThat(byDefault.cacheMaterial()).isEqualTo(on.cacheMaterial()); // Qwen3 thinks by default
            assertThat(off.cacheMaterial()).isNotEqualTo(on.cacheMaterial());

            EngineResult thinking = qwen3.run(on, ChunkSink.NONE);
            EngineResult direct = qwen3.run(off, ChunkSink.NONE);
            int emptyBlock = qwen3.model().tokenize(ThinkingPrompt.EMPTY_THINK_BLOCK, false).length;
            assertThat(direct.usage().promptTokens()).isEqualTo(thinking.usage().promptTokens() + emptyBlock);
            assertThat(text(direct)).isNotEqualTo(text(thinking));
        }
    }

    @Test
    void reasoningIsReturnedApartFromTheAnswerAndNotStreamed() throws JobFailure {
        try (LlamaCppChatEngine qwen3 = new LlamaCppChatEngine(config(TinyGgufModels.qwen3(dir)))) {
            // A prompt whose assistant turn opens the think block: what follows is reasoning until </think>.
            ChatRequest request = ChatRequest.ofPrompt("<|im_start|>user\nSay hello<|im_end|>\n<|im_start|>assistant\n"
                    + "<think>\n").withTemperature(0).withMaxTokens(12).withStream(true);
            List<String> streamed = new ArrayList<>();
            EngineResult r = qwen3.run(prepare(qwen3, request), new ChunkSink() {
                @Override public void text(String delta) { streamed.add(delta); }
                @Override public void progress(int step, int steps) {}
            });
            System.out.println("reasoning: " + r.reasoningContent() + "\ncontent: " + text(r));
            assertThat(r.reasoningContent()).isNotBlank().doesNotContain("<think>", "</think>");
            assertThat(text(r)).doesNotContain("<think>", "</think>").doesNotContain(r.reasoningContent());
            assertThat(String.join("", streamed)).isEqualTo(text(r));
        }
    }

    @Test
    void anUnknownArchitectureIsRefusedByName() {
        Path file = TinyGgufModels.unknownArchitecture(dir);
        assertThatThrownBy(() -> new LlamaCppChatEngine(config(file)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("architecture 'xaichat-unknown'")
                .hasMessageContaining("qwen3");
    }

    @Test
    void aMissingNativeLibraryIsNamedAtStart(@TempDir Path empty) {
        assertThatThrownBy(() -> new LlamaCppChatEngine(config(qwen2File).withNativeDir(empty)))
                .isInstanceOf(NativeLibraryException.class)
                .hasMessageContaining(empty.resolve("libllama.v0.5.0.so").toString());
    }

    @Test
    void aClosedEngineRefusesJobs() throws JobFailure {
        LlamaCppChatEngine engine = new LlamaCppChatEngine(config(qwen2File));
        PreparedJob<ChatPlan> prepared = prepare(engine, hello());
        engine.close();
        assertThatThrownBy(() -> engine.run(prepared, ChunkSink.NONE)).hasMessageContaining("is closed");
    }

    static LlamaCppModel modelOf(LlamaCppChatEngine engine) {
        return engine.model();
    }
}
