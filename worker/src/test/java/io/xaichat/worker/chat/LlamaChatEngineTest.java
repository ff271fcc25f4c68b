package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat engine against the real native llama.cpp with tiny random-weight models. */
class LlamaChatEngineTest {
    private static final int CONTEXT = 256;

    @TempDir
    static Path dir;
    static LlamaChatEngine qwen2;

    @BeforeAll
    static void load() {
        qwen2 = new LlamaChatEngine(config(TinyGgufModels.qwen2(dir)));
        System.out.println("tiny qwen2 engine loaded in " + qwen2.loadMillis() + " ms");
    }

    @AfterAll
    static void close() {
        if (qwen2 != null) qwen2.close();
    }

    static ChatEngineConfig config(Path model) {
        return ChatEngineConfig.defaults(model).withThreads(1).withContextLength(CONTEXT).withDefaultMaxTokens(16);
    }

    private static EngineResult run(LlamaChatEngine engine, ChatRequest request) throws JobFailure {
        return run(engine, request, ChunkSink.NONE);
    }

    private static EngineResult run(LlamaChatEngine engine, ChatRequest request, ChunkSink sink) throws JobFailure {
        return engine.run(prepare(engine, request), sink);
    }

    private static PreparedJob<LlamaChatEngine.Plan> prepare(LlamaChatEngine engine, ChatRequest request) throws JobFailure {
        return engine.prepare(JobEnvelope.of("job-1", JobKind.CHAT, "replies", request));
    }

    private static String text(EngineResult r) {
        return r.output().asText();
    }

    private static ChatRequest hello() {
        return ChatRequest.ofMessages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Say hello")));
    }

    @Test
    void qwen2ModelGeneratesFromMessages() throws JobFailure {
        EngineResult r = run(qwen2, hello().withTemperature(0).withMaxTokens(8));

        assertThat(r.usage().completionTokens()).isBetween(1, 8);
        assertThat(r.usage().promptTokens()).isGreaterThan(10);
        assertThat(r.finishReason()).isIn("stop", "length");
        assertThat(qwen2.modelId()).isEqualTo("tiny-qwen2-f16");
        assertThat(qwen2.modelDigest()).matches("[0-9a-f]{64}");
    }

    @Test
    void runUsesThePlansPromptWithoutApplyingTheTemplateAgain() throws JobFailure {
        ChatRequest request = hello().withTemperature(0).withMaxTokens(3);
        PreparedJob<LlamaChatEngine.Plan> prepared = prepare(qwen2, request);
        String templated = prepared.plan().prompt();
        assertThat(templated).isEqualTo(qwen2.promptText(request)).contains("Say hello");
        // A short prompt fits without tokenizing, so prepare leaves the count to run (once).
        assertThat(prepared.plan().promptTokens()).isEqualTo(LlamaChatEngine.UNCOUNTED);
        assertThat(run(qwen2, request).usage().promptTokens()).isEqualTo(qwen2.promptTokens(templated));

        // Run evaluates the plan's text: a plan with another prompt (and a count prepare made) is what runs.
        PreparedJob<LlamaChatEngine.Plan> swapped = new PreparedJob<>(prepared.envelope(),
                new LlamaChatEngine.Plan(prepared.plan().request(), "Hi", 77), prepared.cacheMaterial(), true, false);
        assertThat(qwen2.run(swapped, ChunkSink.NONE).usage().promptTokens()).isEqualTo(77);
    }

    @Test
    void llamaModelLoadsAndGenerates() throws JobFailure {
        LlamaChatEngine llama = new LlamaChatEngine(config(TinyGgufModels.llama(dir)));
        ChatRequest request = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(6);
        PreparedJob<LlamaChatEngine.Plan> prepared = prepare(llama, request);
        EngineResult r = llama.run(prepared, ChunkSink.NONE);
        llama.close();

        assertThat(r.usage().completionTokens()).isBetween(1, 6);
        assertThat(llama.inferenceCount()).isEqualTo(1);
        assertThatThrownBy(() -> llama.run(prepared, ChunkSink.NONE)).hasMessageContaining("is closed");
        assertThatThrownBy(() -> prepare(llama, request))
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.ENGINE_FAILURE));
    }

    @Test
    void maxTokensEndsGenerationWithLength() throws JobFailure {
        EngineResult r = run(qwen2, hello().withTemperature(0).withMaxTokens(5));

        assertThat(r.usage().completionTokens()).isEqualTo(5);
        assertThat(r.finishReason()).isEqualTo("length");
    }

    @Test
    void stopStringEndsTheOutputBeforeIt() throws JobFailure {
        ChatRequest request = ChatRequest.ofPrompt("The weather today").withSeed(7).withTemperature(1.0)
                .withMaxTokens(40);
        String full = text(run(qwen2, request));
        String stop = asciiPairAfter(full, 4);
        String expected = full.substring(0, full.indexOf(stop));

        EngineResult stopped = run(qwen2, request.withStop(List.of(stop)));

        assertThat(text(stopped)).isEqualTo(expected).doesNotContain(stop);
        assertThat(stopped.finishReason()).isEqualTo("stop");
        assertThat(stopped.usage().completionTokens()).isLessThan(40);
    }

    /** Two printable ASCII characters of {@code text} at or after {@code from}: a stop string the model produces. */
    static String asciiPairAfter(String text, int from) {
        for (int i = from; i + 2 <= text.length(); i++) {
            char a = text.charAt(i), b = text.charAt(i + 1);
            if (a > ' ' && a < 127 && b > ' ' && b < 127) return text.substring(i, i + 2);
        }
        throw new AssertionError("no ASCII pair in the generated text '" + text + "'");
    }

    @Test
    void sameSeedGivesSameOutput() throws JobFailure {
        ChatRequest request = hello().withTemperature(1.2).withSeed(1234).withMaxTokens(24);

        PreparedJob<LlamaChatEngine.Plan> prepared = prepare(qwen2, request);
        String first = text(qwen2.run(prepared, ChunkSink.NONE));
        String second = text(run(qwen2, request));
        String otherSeed = text(run(qwen2, request.withSeed(99)));

        assertThat(prepared.deterministic()).isTrue();
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void tinyModelsGreedyOutputDependsOnThePrompt() throws JobFailure {
        // Guards the tiny models' weight scale: too small and the model echoes its last input token whatever came
        // before, which would make tests that compare outputs across requests or batch slots pass vacuously.
        String a = text(run(qwen2, ChatRequest.ofMessages(List.of(ChatMessage.user("hello there")))
                .withTemperature(0).withMaxTokens(12)));
        String b = text(run(qwen2, ChatRequest.ofMessages(List.of(ChatMessage.user("what is the weather up north")))
                .withTemperature(0).withMaxTokens(12)));

        assertThat(a).isNotEqualTo(b);
        assertThat(a.chars().distinct().count()).isGreaterThan(2);
    }

    @Test
    void temperatureZeroIsRepeatable() throws JobFailure {
        ChatRequest request = hello().withTemperature(0).withMaxTokens(12);

        assertThat(prepare(qwen2, request).deterministic()).isTrue();
        assertThat(text(run(qwen2, request))).isEqualTo(text(run(qwen2, request)));
        assertThat(prepare(qwen2, hello().withTemperature(0.7)).deterministic()).isFalse();
    }

    private static ChunkSink recordingTo(List<String> pieces) {
        return new ChunkSink() {
            @Override public void text(String delta) { pieces.add(delta); }
            @Override public void progress(int step, int steps) {}
        };
    }

    @Test
    void streamedPiecesMakeUpTheOutput() throws JobFailure {
        List<String> pieces = new ArrayList<>();
        ChatRequest request = hello().withTemperature(1.0).withSeed(5).withMaxTokens(20).withStream(true);

        EngineResult r = run(qwen2, request, recordingTo(pieces));

        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(text(r));
        assertThat(r.usage().completionTokens()).isGreaterThanOrEqualTo(pieces.size());
    }

    @Test
    void nothingIsStreamedWhenNotAsked() throws JobFailure {
        List<String> pieces = new ArrayList<>();

        run(qwen2, hello().withTemperature(0).withMaxTokens(4), recordingTo(pieces));

        assertThat(pieces).isEmpty();
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        ChatRequest request = ChatRequest.ofPrompt("the weather ".repeat(200));

        assertThatThrownBy(() -> prepare(qwen2, request))
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.PROMPT_TOO_LONG))
                .hasMessageMatching("prompt is \\d{3,} tokens but at most 255 fit .*context length 256.*");
    }

    @Test
    void eachRunIsOneInference() throws JobFailure {
        long before = qwen2.inferenceCount();
        PreparedJob<LlamaChatEngine.Plan> prepared = prepare(qwen2, hello().withMaxTokens(2));
        assertThat(qwen2.inferenceCount()).isEqualTo(before);

        qwen2.run(prepared, ChunkSink.NONE);

        assertThat(qwen2.inferenceCount()).isEqualTo(before + 1);
    }

    @Test
    void messagesGoThroughTheChatTemplate() throws JobFailure {
        ChatRequest chat = ChatRequest.ofMessages(List.of(ChatMessage.user("Say hello"))).withTemperature(0)
                .withMaxTokens(10);
        String chatml = "<|im_start|>user\nSay hello<|im_end|>\n<|im_start|>assistant\n";

        EngineResult viaTemplate = run(qwen2, chat);
        EngineResult literal = run(qwen2, ChatRequest.ofPrompt(chatml).withTemperature(0).withMaxTokens(10));
        EngineResult bare = run(qwen2, ChatRequest.ofPrompt("Say hello").withTemperature(0).withMaxTokens(10));

        assertThat(viaTemplate.usage().promptTokens()).isEqualTo(literal.usage().promptTokens())
                .isGreaterThan(bare.usage().promptTokens() + 5);
        assertThat(text(viaTemplate)).isEqualTo(text(literal));
    }

    @Test
    void cacheMaterialHoldsWhatDeterminesTheOutputButNotTheStreamFlag() throws JobFailure {
        ChatRequest request = hello().withTemperature(0).withSeed(3).withStop(List.of("x"));

        PreparedJob<LlamaChatEngine.Plan> plain = prepare(qwen2, request);
        PreparedJob<LlamaChatEngine.Plan> streamed = prepare(qwen2, request.withStream(true));

        assertThat(streamed.cacheMaterial()).isEqualTo(plain.cacheMaterial());
        assertThat(streamed.streaming()).isTrue();
        assertThat(plain.cacheMaterial().fieldNames()).toIterable().contains("messages", "max_tokens",
                "temperature", "top_p", "top_k", "seed", "stop", "context_length");
        assertThat(plain.cacheMaterial().get("max_tokens").asInt()).isEqualTo(16);
        assertThat(prepare(qwen2, request.withMaxTokens(17)).cacheMaterial()).isNotEqualTo(plain.cacheMaterial());
    }

    @Test
    void badRequestsAreRefusedWithInvalidRequest() {
        ChatRequest both = new ChatRequest(List.of(ChatMessage.user("hi")), "hi", null, null, null, null, null,
                null, null);
        ChatRequest badRole = ChatRequest.ofMessages(List.of(new ChatMessage("tool", "hi")));

        assertThatThrownBy(() -> prepare(qwen2, both)).hasMessageContaining("exactly one of 'messages' and 'prompt'")
                .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThatThrownBy(() -> prepare(qwen2, badRole)).hasMessageContaining("messages[0].role is 'tool'");
    }

    @Test
    void qwen3IsRefusedBeforeTheNativeLoader() {
        Path qwen3 = TinyGgufModels.qwen3(dir);

        assertThatThrownBy(() -> new LlamaChatEngine(config(qwen3)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'qwen3'")
                .hasMessageContaining(qwen3.toString())
                .hasMessageContaining("llama, ")
                .hasMessageContaining("qwen2, ")
                .hasMessageContaining("Qwen2.5-1.5B-Instruct Q4_K_M");
    }

    @Test
    void anArchitectureNoLibraryKnowsIsRefusedBeforeTheNativeLoader() {
        Path unknown = TinyGgufModels.unknownArchitecture(dir);

        assertThatThrownBy(() -> new LlamaChatEngine(config(unknown)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'xaichat-unknown'")
                .hasMessageContaining(unknown.toString())
                .hasMessageContaining("qwen2, ");
    }

    @Test
    void nonGgufFileIsRefusedClearly() throws IOException {
        Path notModel = Files.writeString(dir.resolve("model.gguf.html"), "<html>404 Not Found</html>");

        assertThatThrownBy(() -> new LlamaChatEngine(config(notModel)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(notModel.toString())
                .hasMessageContaining("is not a GGUF file")
                .hasMessageContaining("3C 68 74 6D");
    }
}
