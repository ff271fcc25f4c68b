package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.xaichat.testkit.onnx.TinyQwenVlModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Vision jobs through the real runtime: Kafka broker, Redis, ONNX Runtime with a tiny Qwen2-VL-shaped model. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class VisionWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** 4 merged visual tokens at most: short prompts. */
    private static final long MAX_PIXELS = 28L * 28 * 4;
    private static final long MAX_IMAGE_BYTES = 16 * 1024;
    private static final long MAX_IMAGE_PIXELS = 1_000_000;

    @TempDir
    static Path dir;
    static Path model;
    static Path inputDir;
    static byte[] png;
    static byte[] jpeg;

    KafkaHandle kafka;
    RedisHandle redis;
    QwenVlEngine engine;
    WorkerBench bench;

    @BeforeAll
    static void writeModelAndImages() throws Exception {
        model = TinyQwenVlModels.write(dir.resolve("model"), 7);
        inputDir = Files.createDirectories(dir.resolve("inputs"));
        png = ImageInputTest.encode("png", 60, 40);
        jpeg = ImageInputTest.encode("jpeg", 48, 64);
        Files.write(inputDir.resolve("pic.png"), png);
        Files.write(inputDir.resolve("scene.jpg"), ImageInputTest.encode("jpeg", 90, 30));
        Files.write(dir.resolve("secret.png"), png);
    }

    @BeforeEach
    void startWorker(KafkaHandle kafka, RedisHandle redis) throws Exception {
        this.kafka = kafka;
        this.redis = redis;
        WorkerBench.emptyCache(redis);
        engine = load(MAX_PIXELS);
        bench = WorkerBench.start(kafka, redis, "vision", engine);
    }

    @AfterEach
    void stop() {
        bench.close();
    }

    private static QwenVlEngine load(long maxPixels) throws Exception {
        return QwenVlEngine.load(VisionEngineConfig.of("tiny-qwen2-vl", model).withPixels(null, maxPixels)
                .withInputDir(inputDir).withLimits(MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS).withDefaultMaxTokens(8));
    }

    @Test
    void answersInlinePngAndJpegAndPathJobsWithTextUsageAndTimings() {
        bench.send(bench.job("png", JobKind.VISION, inline(png, "What is this?")));
        bench.send(bench.job("jpeg", JobKind.VISION, inline(jpeg, "What is this?")));
        bench.send(bench.job("path", JobKind.VISION, byPath("scene.jpg", "What is this?")));

        for (String id : List.of("png", "jpeg", "path")) {
            ResultEnvelope result = bench.replies().await(id, WAIT);
            assertThat(result.status()).as(id + ": " + Json.toString(result)).isEqualTo(ResultStatus.OK);
            assertThat(result.jobId()).isEqualTo(id);
            assertThat(result.kind()).isEqualTo(JobKind.VISION);
            assertThat(result.text()).as(id).isNotEmpty();
            assertThat(result.model()).isEqualTo("tiny-qwen2-vl");
            assertThat(result.cached()).isFalse();
            // template + question + at least one visual token
            assertThat(result.usage().promptTokens()).isGreaterThan("What is this?".length() + 1);
            assertThat(result.usage().completionTokens()).isBetween(1, 8);
            assertThat(result.finishReason()).isIn("stop", "length");
            assertThat(result.timings().computeMs()).isGreaterThanOrEqualTo(0);
            assertThat(result.timings().totalMs()).isGreaterThanOrEqualTo(result.timings().computeMs());
        }
        assertThat(engine.inferenceCount()).isEqualTo(3);
    }

    @Test
    void aRepeatedImageAndQuestionIsAnsweredFromTheCacheKeyedByContent() {
        bench.send(bench.job("first", JobKind.VISION, inline(png, "What is this?")));
        ResultEnvelope first = bench.replies().await("first", WAIT);
        bench.send(bench.job("again", JobKind.VISION, inline(png, "What is this?")));
        ResultEnvelope again = bench.replies().await("again", WAIT);
        // The same bytes read from the input directory are the same image: the key hashes content, not transport.
        bench.send(bench.job("same-bytes-by-path", JobKind.VISION, byPath("pic.png", "What is this?")));
        ResultEnvelope byPath = bench.replies().await("same-bytes-by-path", WAIT);

        assertThat(first.cached()).isFalse();
        assertThat(again.cached()).isTrue();
        assertThat(again.jobId()).isEqualTo("again");
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.usage()).isEqualTo(first.usage());
        assertThat(byPath.cached()).isTrue();
        assertThat(engine.inferenceCount()).isEqualTo(1);

        bench.send(bench.job("other-question", JobKind.VISION, inline(png, "What colour is it?")));
        bench.send(bench.job("other-image", JobKind.VISION, inline(jpeg, "What is this?")));
        assertThat(bench.replies().await("other-question", WAIT).cached()).isFalse();
        assertThat(bench.replies().await("other-image", WAIT).cached()).isFalse();
        assertThat(engine.inferenceCount()).isEqualTo(3);
    }

    @Test
    void workersWithOtherPixelLimitsDoNotShareCachedAnswers() throws Exception {
        bench.send(bench.job("first", JobKind.VISION, inline(png, "What is this?")));
        assertThat(bench.replies().await("first", WAIT).cached()).isFalse();

        // Another worker with the same settings answers from the shared cache...
        QwenVlEngine same = load(MAX_PIXELS);
        try (WorkerBench other = WorkerBench.start(kafka, redis, "vision-same", same)) {
            other.send(other.job("same", JobKind.VISION, inline(png, "What is this?")));
            assertThat(other.replies().await("same", WAIT).cached()).isTrue();
            assertThat(same.inferenceCount()).isZero();
        }
        // ...one that resizes images differently computes its own answer.
        QwenVlEngine larger = load(MAX_PIXELS * 4);
        try (WorkerBench other = WorkerBench.start(kafka, redis, "vision-larger", larger)) {
            other.send(other.job("larger", JobKind.VISION, inline(png, "What is this?")));
            ResultEnvelope result = other.replies().await("larger", WAIT);
            assertThat(result.status()).isEqualTo(ResultStatus.OK);
            assertThat(result.cached()).isFalse();
            assertThat(larger.inferenceCount()).isEqualTo(1);
        }
    }

    @Test
    void rejectedImagesEndAsInputRejectedErrorsAndDeadLettersWhileTheNextJobCompletes() throws Exception {
        byte[] corrupt = Arrays.copyOf(png, png.length / 2);
        byte[] oversize = noise(80, 80);
        assertThat(oversize.length).as("bigger than the byte limit, smaller than a job record may be")
                .isBetween((int) MAX_IMAGE_BYTES + 1, 60 * 1024);
        byte[] bomb = ImageInputTest.pngSignatureAndHeader(100_000, 100_000);

        bench.send(bench.job("corrupt", JobKind.VISION, inline(corrupt, "q")));
        bench.send(bench.job("oversize", JobKind.VISION, inline(oversize, "q")));
        bench.send(bench.job("bomb", JobKind.VISION, inline(bomb, "q")));
        bench.send(bench.job("outside", JobKind.VISION, byPath("../secret.png", "q")));
        bench.send(bench.job("good", JobKind.VISION, inline(png, "What is this?")));

        assertThat(bench.replies().await("good", WAIT).status()).isEqualTo(ResultStatus.OK);
        Set<String> bad = Set.of("corrupt", "oversize", "bomb", "outside");
        List<ResultEnvelope> errors = bench.replies().awaitAll(bad, WAIT).stream()
                .filter(r -> bad.contains(r.jobId())).toList();
        assertThat(errors).hasSize(4).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(ResultStatus.ERROR);
            assertThat(e.error().code()).isEqualTo(ErrorCode.INPUT_REJECTED);
        });
        assertThat(message(errors, "corrupt")).contains("not a readable PNG or JPEG");
        assertThat(message(errors, "oversize")).contains("inline image is", "bytes; the limit is 16384 bytes");
        assertThat(message(errors, "bomb")).contains("100000×100000", "the limit is 1000000 pixels");
        assertThat(message(errors, "outside")).contains("'../secret.png' is outside the input directory");

        List<TopicRecord> dlq = bench.deadLetters(4, WAIT);
        assertThat(dlq).extracting(TopicRecord::keyString).containsExactlyInAnyOrderElementsOf(bad);
        assertThat(dlq).allSatisfy(r -> {
            assertThat(r.header(RecordHeaders.ERROR_CODE)).contains(ErrorCode.INPUT_REJECTED.wire());
            assertThat(r.header(RecordHeaders.ERROR_MESSAGE)).isPresent();
        });
        assertThat(engine.inferenceCount()).isEqualTo(1);
    }

    @Test
    void streamsChunksInOrderThenTheResult() {
        ObjectNode request = inline(png, "Describe the picture").put("max_tokens", 8).put("stream", true);
        bench.send(bench.job("streamed", JobKind.VISION, request));

        ResultEnvelope result = bench.replies().await("streamed", WAIT);
        List<TopicRecord> records = bench.recordsOf("streamed");
        List<StreamChunk> chunks = records.stream().filter(Replies::isChunk).map(Replies::chunk).toList();

        assertThat(Replies.isResult(records.get(records.size() - 1))).as("the result comes last").isTrue();
        assertThat(chunks).extracting(StreamChunk::seq)
                .containsExactlyElementsOf(LongStream.range(0, chunks.size()).boxed().toList());
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(StreamChunk::last);
        assertThat(chunks.get(chunks.size() - 1).last()).isTrue();
        assertThat(String.join("", chunks.stream().map(StreamChunk::delta).toList())).isEqualTo(result.text());
        if (result.usage().completionTokens() > 2) {
            assertThat(chunks.size()).as("batch size 2: several chunks").isGreaterThan(1);
        }
    }

    /** Random pixels: a PNG that does not compress, so its size is predictable. */
    private static byte[] noise(int width, int height) throws IOException {
        Random random = new Random(width * 31L + height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, random.nextInt(1 << 24));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String message(List<ResultEnvelope> results, String jobId) {
        return results.stream().filter(r -> r.jobId().equals(jobId)).findFirst().orElseThrow().error().message();
    }

    private static ObjectNode inline(byte[] image, String question) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.putObject("image").put("base64", Base64.getEncoder().encodeToString(image));
        return request.put("question", question);
    }

    private static ObjectNode byPath(String path, String question) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.putObject("image").put("path", path);
        return request.put("question", question);
    }
}
