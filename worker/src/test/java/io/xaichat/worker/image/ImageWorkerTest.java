package io.xaichat.worker.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.StreamChunk;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.TopicReader.TopicRecord;
import io.xaichat.testkit.WorkerBench;
import io.xaichat.testkit.onnx.TinyLcmModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Text-to-image jobs through the real runtime: Kafka broker, Redis, ONNX Runtime with a tiny LCM model. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class ImageWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A tiny-model 512×512 PNG is about 280 KB, a 96×64 one about 5 KB. */
    private static final int INLINE_LIMIT = 100 * 1024;

    @TempDir
    static Path dir;
    static Path model;
    static Path outputDir;

    KafkaHandle kafka;
    RedisHandle redis;
    LcmImageEngine engine;
    WorkerBench bench;

    @BeforeAll
    static void writeModel() {
        model = TinyLcmModels.write(dir.resolve("lcm"), TinyLcmModels.Variant.FLOAT32, 11, "red", "fox");
        outputDir = dir.resolve("out");
    }

    @BeforeEach
    void startWorker(KafkaHandle kafka, RedisHandle redis) throws Exception {
        this.kafka = kafka;
        this.redis = redis;
        WorkerBench.emptyCache(redis);
        engine = LcmImageEngine.open(ImageEngineConfig.of("tiny-lcm", model, 1, outputDir).withInlineLimit(INLINE_LIMIT));
        bench = WorkerBench.start(kafka, redis, "image", engine);
    }

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void answersWithAnInlinePngOfTheRequestedSize() throws Exception {
        bench.send(bench.job("fox", JobKind.IMAGE, request("a red fox", 2, 128, 64, 5L)));
        ResultEnvelope result = bench.replies().await("fox", WAIT);

        assertThat(result.status()).as(Json.toString(result)).isEqualTo(ResultStatus.OK);
        assertThat(result.kind()).isEqualTo(JobKind.IMAGE);
        assertThat(result.model()).isEqualTo("tiny-lcm");
        assertThat(result.cached()).isFalse();
        BufferedImage png = LcmImageEngineTest.decode(result.output());
        assertThat(png.getWidth()).isEqualTo(128);
        assertThat(png.getHeight()).isEqualTo(64);
        assertThat(LcmImageEngineTest.distinctColours(png)).as("an image, not a flat fill").isGreaterThan(50);
        JsonNode out = result.output();
        assertThat(out.get("seed").asLong()).isEqualTo(5L);
        assertThat(out.get("steps").asInt()).isEqualTo(2);
        assertThat(out.has("path")).isFalse();
        assertThat(out.get("timings_ms").get("steps")).hasSize(2);
        assertThat(result.usage().promptTokens()).isEqualTo(5); // start, a, red, fox, end
        assertThat(result.timings().totalMs()).isGreaterThanOrEqualTo(result.timings().computeMs());
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void theSameSeedGivesIdenticalBytesAndAnotherSeedAnotherImage() {
        bench.send(bench.job("a", JobKind.IMAGE, request("a red fox", 2, 64, 64, 1234L)).withCache(CachePolicy.BYPASS));
        bench.send(bench.job("b", JobKind.IMAGE, request("a red fox", 2, 64, 64, 1234L)).withCache(CachePolicy.BYPASS));
        bench.send(bench.job("c", JobKind.IMAGE, request("a red fox", 2, 64, 64, 1235L)).withCache(CachePolicy.BYPASS));
        String a = png(bench.replies().await("a", WAIT));
        String b = png(bench.replies().await("b", WAIT));
        String c = png(bench.replies().await("c", WAIT));

        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        assertThat(engine.inferenceCount()).as("each computed, none from the cache").isEqualTo(3);
    }

    @Test
    void aRepeatedSeededJobIsAnsweredFromTheCache() {
        bench.send(bench.job("first", JobKind.IMAGE, request("a red fox", 2, 64, 64, 7L)));
        ResultEnvelope first = bench.replies().await("first", WAIT);
        bench.send(bench.job("second", JobKind.IMAGE, request("a red fox", 2, 64, 64, 7L)));
        ResultEnvelope second = bench.replies().await("second", WAIT);

        assertThat(first.cached()).isFalse();
        assertThat(second.cached()).isTrue();
        assertThat(second.jobId()).isEqualTo("second");
        assertThat(png(second)).isEqualTo(png(first));
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void badParametersEndAsErrorsNamingTheFieldAndDeadLetters() {
        bench.send(bench.job("steps", JobKind.IMAGE, request("a red fox", 0, 64, 64, 1L)));
        bench.send(bench.job("width", JobKind.IMAGE, request("a red fox", 2, 513, 64, 1L)));
        bench.send(bench.job("prompt", JobKind.IMAGE, request("", 2, 64, 64, 1L)));
        bench.send(bench.job("blank", JobKind.IMAGE, request("   ", 2, 64, 64, 1L)));
        bench.send(bench.job("good", JobKind.IMAGE, request("a red fox", 1, 64, 64, 1L)));

        assertThat(bench.replies().await("good", WAIT).status()).isEqualTo(ResultStatus.OK);
        Map<String, String> fields = Map.of("steps", "steps", "width", "width", "prompt", "prompt", "blank", "prompt");
        List<ResultEnvelope> errors = bench.replies().awaitAll(fields.keySet(), WAIT).stream()
                .filter(r -> r.status() == ResultStatus.ERROR).toList();
        assertThat(errors).extracting(ResultEnvelope::jobId).containsExactlyInAnyOrderElementsOf(fields.keySet());
        // The job schema already refuses the first three; a blank prompt passes it and the engine refuses it.
        assertThat(errors).allSatisfy(e -> assertThat(e.error().message()).as(e.jobId())
                .contains(fields.get(e.jobId())));
        assertThat(code(errors, "steps")).isEqualTo(ErrorCode.SCHEMA_VIOLATION);
        assertThat(code(errors, "width")).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(code(errors, "prompt")).isEqualTo(ErrorCode.SCHEMA_VIOLATION);
        assertThat(code(errors, "blank")).isEqualTo(ErrorCode.INVALID_REQUEST);

        List<TopicRecord> dlq = bench.deadLetters(4, WAIT);
        assertThat(dlq).extracting(TopicRecord::keyString).containsExactlyInAnyOrderElementsOf(fields.keySet());
        for (ResultEnvelope error : errors) {
            assertThat(WorkerBench.errorCode(dlq, error.jobId())).isEqualTo(error.error().code());
        }
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void streamingSendsOneProgressChunkPerStepThenTheResult() {
        bench.send(bench.job("streamed", JobKind.IMAGE, request("a red fox", 4, 64, 64, 3L).put("stream", true)));
        ResultEnvelope result = bench.replies().await("streamed", WAIT);
        List<TopicRecord> records = bench.recordsOf("streamed");
        List<StreamChunk> chunks = records.stream().filter(Replies::isChunk).map(Replies::chunk).toList();

        assertThat(result.status()).isEqualTo(ResultStatus.OK);
        assertThat(Replies.isResult(records.get(records.size() - 1))).as("the result comes last").isTrue();
        assertThat(chunks).extracting(StreamChunk::seq)
                .containsExactlyElementsOf(LongStream.range(0, chunks.size()).boxed().toList());
        List<StreamChunk> progress = chunks.stream().filter(c -> c.progress() != null).toList();
        assertThat(progress).extracting(c -> c.progress().step() + "/" + c.progress().steps())
                .containsExactly("1/4", "2/4", "3/4", "4/4");
        assertThat(chunks.get(chunks.size() - 1).last()).as("the stream ends with a final chunk").isTrue();
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(StreamChunk::last);
    }

    @Test
    void aPngAboveTheInlineLimitIsWrittenToTheOutputDirectory() throws Exception {
        bench.send(bench.job("big/1", JobKind.IMAGE, request("a red fox", 1, 512, 512, 9L)));
        ResultEnvelope result = bench.replies().await("big/1", WAIT);

        assertThat(result.status()).as(Json.toString(result)).isEqualTo(ResultStatus.OK);
        assertThat(result.output().has("png_base64")).isFalse();
        Path file = Path.of(result.output().get("path").asText());
        assertThat(file).startsWith(outputDir.toAbsolutePath());
        assertThat(file.getFileName().toString()).matches("xaichat-[0-9a-f]{24}\\.png");
        assertThat(Files.size(file)).isGreaterThan(INLINE_LIMIT);
        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png.getWidth()).isEqualTo(512);
        assertThat(png.getHeight()).isEqualTo(512);
    }

    @Test
    void aCachedPathStillShowsItsImageAfterALaterJobReusesTheJobId() throws Exception {
        bench.send(bench.job("reused", JobKind.IMAGE, request("a red fox", 1, 512, 512, 9L)));
        Path first = Path.of(bench.replies().await("reused", WAIT).output().get("path").asText());
        byte[] firstBytes = Files.readAllBytes(first);
        bench.send(bench.job("reused", JobKind.IMAGE, request("a red fox", 1, 512, 512, 10L)));
        bench.replies().reader().awaitUntil(records -> records.stream().filter(Replies::isResult)
                .filter(r -> r.keyString().equals("reused")).count() == 2, "two results", WAIT);

        bench.send(bench.job("repeat", JobKind.IMAGE, request("a red fox", 1, 512, 512, 9L)));
        ResultEnvelope repeat = bench.replies().await("repeat", WAIT);
        assertThat(repeat.cached()).isTrue();
        assertThat(Path.of(repeat.output().get("path").asText())).isEqualTo(first);
        assertThat(java.util.Arrays.equals(Files.readAllBytes(first), firstBytes))
                .as("the cached path still holds the first image").isTrue();
        assertThat(engine.inferenceCount()).isEqualTo(2);
    }

    /** No output directory: every image is inline, and a 1024×1024 one is well past Kafka's default 1 MB. */
    @Test
    void aLargeInlineResultTravelsThroughKafka() throws Exception {
        LcmImageEngine inlineOnly = LcmImageEngine.open(ImageEngineConfig.of("tiny-lcm", model, 1, null));
        try (WorkerBench other = WorkerBench.start(kafka, redis, "image-inline", inlineOnly)) {
            other.send(other.job("huge", JobKind.IMAGE, request("a red fox", 1, 1024, 1024, 9L)));
            ResultEnvelope result = other.replies().await("huge", WAIT);
            assertThat(result.status()).as(Json.toString(result)).isEqualTo(ResultStatus.OK);
            assertThat(png(result).length()).isGreaterThan(1024 * 1024);
            BufferedImage png = LcmImageEngineTest.decode(result.output());
            assertThat(png.getWidth()).isEqualTo(1024);
            assertThat(png.getHeight()).isEqualTo(1024);
        }
    }

    private static ErrorCode code(List<ResultEnvelope> results, String jobId) {
        return results.stream().filter(r -> r.jobId().equals(jobId)).findFirst().orElseThrow().error().code();
    }

    private static String png(ResultEnvelope result) {
        assertThat(result.status()).as(Json.toString(result)).isEqualTo(ResultStatus.OK);
        return result.output().get("png_base64").asText();
    }

    private static ObjectNode request(String prompt, int steps, int width, int height, long seed) {
        return Json.MAPPER.createObjectNode().put("prompt", prompt).put("steps", steps).put("width", width)
                .put("height", height).put("seed", seed);
    }
}
