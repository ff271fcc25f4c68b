package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.VisionRequest;
import io.xaichat.testkit.onnx.TinyQwenVlModels;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole vision pipeline on a tiny random-weight Qwen2-VL-shaped model. */
class QwenVlEngineTest {
    @TempDir
    static Path tmp;
    static QwenVlEngine engine;
    static String image;

    @BeforeAll
    static void load() throws Exception {
        Path model = TinyQwenVlModels.write(tmp.resolve("model"), 7);
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        byte[] png = ImageInputTest.encode("png", 60, 40);
        Files.write(inputs.resolve("pic.png"), png);
        image = Base64.getEncoder().encodeToString(png);
        // 28·28·4 caps the image at 4 merged tokens, keeping the prompt short.
        engine = QwenVlEngine.load(VisionEngineConfig.of("tiny-qwen2-vl", model)
                .withPixels(null, 28L * 28 * 4).withInputDir(inputs).withDefaultMaxTokens(12));
    }

    @AfterAll
    static void close() {
        if (engine != null) engine.close();
    }

    @Test
    void greedyDecodingRepeatsAndHonoursMaxTokens() throws Exception {
        EngineResult first = run(request("What is this?", null, null), ChunkSink.NONE);
        EngineResult second = run(request("What is this?", null, null), ChunkSink.NONE);
        assertThat(first.output()).isEqualTo(second.output());
        assertThat(first.usage()).isEqualTo(second.usage());
        assertThat(first.usage().completionTokens()).isBetween(1, 12);
        if (first.usage().completionTokens() == 12) assertThat(first.finishReason()).isEqualTo("length");
        // prompt = template tokens + 4 image pads; the image must be part of it
        assertThat(first.usage().promptTokens()).isGreaterThan(4 + "What is this?".length());
        assertThat(engine.inferenceCount()).isGreaterThanOrEqualTo(2);

        EngineResult three = run(request("What is this?", null, null).put("max_tokens", 3), ChunkSink.NONE);
        assertThat(three.usage().completionTokens()).isLessThanOrEqualTo(3);
    }

    @Test
    void theAnswerDependsOnTheQuestionAndTheImage() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String q : List.of("What is this?", "What colour is it?", "Count the objects", "Describe the scene")) {
            outputs.add(run(request(q, null, null).put("max_tokens", 8), ChunkSink.NONE).output().asText());
        }
        // A 2-layer random model averages most of the prompt away, so only some questions change its answer.
        assertThat(outputs.stream().distinct().count()).isGreaterThanOrEqualTo(2);

        ObjectNode fromPath = request("What is this?", null, null).put("max_tokens", 8);
        fromPath.putObject("image").put("path", "pic.png");
        assertThat(run(fromPath, ChunkSink.NONE).output().asText()).isEqualTo(outputs.get(0));

        ObjectNode otherPicture = request("What is this?", null, null).put("max_tokens", 8);
        otherPicture.putObject("image").put("base64",
                Base64.getEncoder().encodeToString(ImageInputTest.encode("jpeg", 300, 200)));
        assertThat(run(otherPicture, ChunkSink.NONE).output().asText()).isNotEqualTo(outputs.get(0));
    }

    @Test
    void runWorksFromThePlansResizedImageWithoutDecodingTheRequestAgain() throws Exception {
        ObjectNode pic = request("What is this?", null, null).put("max_tokens", 8);
        ObjectNode otherPicture = request("What is this?", null, null).put("max_tokens", 8);
        otherPicture.putObject("image").put("base64",
                Base64.getEncoder().encodeToString(ImageInputTest.encode("jpeg", 300, 200)));
        PreparedJob<VisionPlan> a = engine.prepare(job(pic));
        PreparedJob<VisionPlan> b = engine.prepare(job(otherPicture));
        // The plan holds the image already resized to the processor's target size, as RGB bytes.
        QwenVlImageProcessor.Size size = a.plan().image().size();
        assertThat(a.plan().image().rgb()).hasSize(size.width() * size.height() * 3);
        assertThat(size.width() % 28).isZero(); // sides are multiples of patch × merge size
        assertThat(size.height() % 28).isZero();

        String answerA = engine.run(a, ChunkSink.NONE).output().asText();
        String answerB = engine.run(b, ChunkSink.NONE).output().asText();
        assertThat(answerA).isNotEqualTo(answerB);
        // A's request (its image in base64) with B's pixels answers as B: run reads the plan, not the request.
        PreparedJob<VisionPlan> swapped = new PreparedJob<>(a.envelope(),
                new VisionPlan(a.plan().request(), b.plan().image(), a.plan().settings()), a.cacheMaterial(), true, false);
        assertThat(engine.run(swapped, ChunkSink.NONE).output().asText()).isEqualTo(answerB);
    }

    @Test
    void seededSamplingRepeatsAndStreamingPiecesAddUpToTheOutput() throws Exception {
        ObjectNode req = request("Describe", 0.9, 42L).put("max_tokens", 12).put("stream", true);
        List<String> pieces = new ArrayList<>();
        ChunkSink sink = new ChunkSink() {
            @Override public void text(String delta) { pieces.add(delta); }
            @Override public void progress(int step, int steps) {}
        };
        EngineResult a = run(req, sink);
        EngineResult b = run(req, ChunkSink.NONE);
        assertThat(a.output()).isEqualTo(b.output());
        assertThat(String.join("", pieces)).isEqualTo(a.output().asText());
        assertThat(pieces).allSatisfy(p -> assertThat(p).isNotEmpty());
    }

    @Test
    void prepareHashesWhatDeterminesTheOutputAndMarksDeterminism() throws Exception {
        PreparedJob<VisionPlan> greedy = engine.prepare(job(request("q", null, null)));
        PreparedJob<VisionPlan> streamed = engine.prepare(job(request("q", null, null).put("stream", true)));
        PreparedJob<VisionPlan> unseeded = engine.prepare(job(request("q", 0.7, null)));
        PreparedJob<VisionPlan> other = engine.prepare(job(request("q2", null, null)));
        assertThat(greedy.deterministic()).isTrue();
        assertThat(unseeded.deterministic()).isFalse();
        assertThat(engine.prepare(job(request("q", 0.7, 3L))).deterministic()).isTrue();
        assertThat(streamed.cacheMaterial()).isEqualTo(greedy.cacheMaterial());
        assertThat(streamed.streaming()).isTrue();
        assertThat(other.cacheMaterial()).isNotEqualTo(greedy.cacheMaterial());
        assertThat(greedy.cacheMaterial().get("max_pixels").asLong()).isEqualTo(28L * 28 * 4);
        assertThat(greedy.cacheMaterial().get("image_sha256").asText()).hasSize(64);
        assertThat(engine.modelDigest()).hasSize(64);
    }

    @Test
    void badRequestsFailInPrepareWithClearCodes() {
        ObjectNode outside = request("q", null, null);
        outside.putObject("image").put("path", "../model/tokenizer.json");
        assertFailure(outside, ErrorCode.INPUT_REJECTED, "outside the input directory");
        ObjectNode corrupt = request("q", null, null);
        corrupt.putObject("image").put("base64", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4}));
        assertFailure(corrupt, ErrorCode.INPUT_REJECTED, "not a PNG or JPEG");
        assertFailure(request("say <|im_end|> now", null, null), ErrorCode.INVALID_REQUEST, "<|im_end|>");
        assertFailure(request("q", -1.0, null), ErrorCode.INVALID_REQUEST, "temperature");
    }

    private static void assertFailure(ObjectNode request, ErrorCode code, String message) {
        assertThatThrownBy(() -> engine.prepare(job(request))).isInstanceOf(JobFailure.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((JobFailure) e).code()).isEqualTo(code));
    }

    private static EngineResult run(ObjectNode request, ChunkSink sink) throws JobFailure {
        return engine.run(engine.prepare(job(request)), sink);
    }

    private static JobEnvelope job(ObjectNode request) {
        return JobEnvelope.of("job-1", JobKind.VISION, "replies", request);
    }

    private static ObjectNode request(String question, Double temperature, Long seed) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.putObject("image").put("base64", image);
        r.put("question", question);
        if (temperature != null) r.put("temperature", temperature);
        if (seed != null) r.put("seed", seed);
        return r;
    }
}
