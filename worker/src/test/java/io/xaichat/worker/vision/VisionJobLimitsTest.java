package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.VisionRequest;
import io.xaichat.testkit.onnx.ContractFixtures;
import io.xaichat.testkit.onnx.ExportContracts;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a vision job may be: the visual-token cap over the published max_pixels, the memory estimate checked before
 * inference, and prompts that are neither truncated nor allowed past the context.
 */
class VisionJobLimitsTest {
    @TempDir
    static Path tmp;
    static Path model;
    static String phonePhoto;

    @BeforeAll
    static void write() throws Exception {
        ExportContracts.QwenVl q4 = ExportContracts.qwenVl().get(0);
        model = ContractFixtures.writeQwenVl(tmp.resolve("model"), q4, 7); // published preprocessor_config.json
        phonePhoto = Base64.getEncoder().encodeToString(ImageInputTest.encode("jpeg", 4032, 3024));
    }

    private static QwenVlEngine load(VisionEngineConfig config) throws Exception {
        return QwenVlEngine.load(config.withVariant("_q4").withDefaultMaxTokens(4));
    }

    @Test
    void aPhonePhotoIsCappedAt1280VisualTokensDespiteThePublishedMaxPixels() throws Exception {
        try (QwenVlEngine engine = load(VisionEngineConfig.of("m", model))) {
            PreparedJob<VisionPlan> job = engine.prepare(job(request("What is this?", phonePhoto)));
            // The published file says 12845056 (16,384 tokens); the worker's cap is 1280 windows of 28×28.
            assertThat(job.cacheMaterial().get("max_pixels").asLong()).isEqualTo(1280L * 28 * 28);
            String[] resized = job.cacheMaterial().get("resized").asText().split("x");
            long tokens = (Long.parseLong(resized[0]) / 28) * (Long.parseLong(resized[1]) / 28);
            assertThat(tokens).isBetween(1000L, 1280L);
        }
    }

    @Test
    void aJobOverTheMemoryLimitIsRefusedBeforeAnyInference() throws Exception {
        // Without the cap (16,384 tokens allowed) the photo keeps 62,208 patches: ~250 GB of encoder attention.
        try (QwenVlEngine engine = load(VisionEngineConfig.of("m", model).withImageTokenCap(16384, 6L << 30))) {
            long before = engine.inferenceCount();
            long start = System.nanoTime();
            assertThatThrownBy(() -> engine.prepare(job(request("What is this?", phonePhoto))))
                    .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.INPUT_REJECTED))
                    .hasMessageContaining("image 4032×3024 resizes to")
                    .hasMessageContaining("over the limit of 6144 MiB")
                    .hasMessageContaining("XAICHAT_VISION_MAX_IMAGE_TOKENS");
            assertThat(engine.inferenceCount()).isEqualTo(before);
            assertThat((System.nanoTime() - start) / 1_000_000).as("refusal time, ms").isLessThan(5_000);
        }
    }

    @Test
    void theEstimateFollowsTheEncodersQuadraticAttention() {
        VisionJobMemory real = new VisionJobMemory(QwenVlModelConfig.qwen2Vl2b(), 28L * 2 * 2 * 128 * 4, true);
        // 1280 tokens = 5120 patches: 2 × 16 heads × 5120² × 4 B ≈ 3.4 GB.
        assertThat(real.bytes(0, 5120, 1300, 256) - VisionJobMemory.SLACK).isBetween(3_300_000_000L, 4_000_000_000L);
        assertThat(real.bytes(4032L * 3024, 62_208, 15_600, 256)).isGreaterThan(240_000_000_000L);
        // The decoded photo itself: 12.2 Mpixel × 16 B on the Java heap.
        assertThat(real.bytes(4032L * 3024, 5120, 1300, 256) - real.bytes(0, 5120, 1300, 256)).isEqualTo(4032L * 3024 * 16);
        // Without num_logits_to_keep the prefill logits add seq × vocab floats.
        VisionJobMemory allLogits = new VisionJobMemory(QwenVlModelConfig.qwen2Vl2b(), 28L * 2 * 2 * 128 * 4, false);
        assertThat(allLogits.bytes(0, 64, 3000, 16) - real.bytes(0, 64, 3000, 16)).isEqualTo(2999L * 151936 * 4);
    }

    @Test
    void longQuestionsAreEncodedWholeAndPromptsOverTheContextAreRefused() throws Exception {
        String longQuestion = "word ".repeat(600) + "end?";
        try (QwenVlEngine engine = load(VisionEngineConfig.of("m", model).withPixels(null, 28L * 28 * 4))) {
            EngineResult r = engine.run(engine.prepare(job(request(longQuestion, small()))), ChunkSink.NONE);
            // Byte-level tokenizer: every character is a token; DJL's default would have stopped at 512.
            assertThat(r.usage().promptTokens()).isGreaterThan(longQuestion.length());
        }
        ContractFixtures.writeQwenConfigs(model, 600); // a 600-token context
        try (QwenVlEngine engine = load(VisionEngineConfig.of("m", model).withPixels(null, 28L * 28 * 4))) {
            assertThatThrownBy(() -> engine.prepare(job(request(longQuestion, small()))))
                    .isInstanceOfSatisfying(JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.PROMPT_TOO_LONG))
                    .hasMessageContaining("context of 600 tokens");
            assertThat(engine.prepare(job(request("short?", small())))).isNotNull();
        } finally {
            ContractFixtures.writeQwenConfigs(model, 32768);
        }
    }

    private static String small() throws Exception {
        return Base64.getEncoder().encodeToString(ImageInputTest.encode("png", 60, 40));
    }

    private static ObjectNode request(String question, String base64) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("question", question);
        r.putObject("image").put("base64", base64);
        return r;
    }

    private static JobEnvelope job(ObjectNode request) {
        return JobEnvelope.of("job-1", JobKind.VISION, "replies", request);
    }
}
