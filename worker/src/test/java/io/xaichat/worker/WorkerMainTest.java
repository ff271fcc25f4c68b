package io.xaichat.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.WorkerBench;
import io.xaichat.testkit.onnx.TinyLcmModels;
import io.xaichat.testkit.onnx.TinyQwenVlModels;
import io.xaichat.worker.image.LcmImageEngine;
import io.xaichat.worker.kafka.JobListener;
import io.xaichat.worker.vision.QwenVlEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The worker as its command line builds it: flags → options → engine settings → resident engines → Kafka. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class WorkerMainTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static Path visionModel;
    static Path imageModel;
    static Path inputDir;

    @BeforeAll
    static void writeModels() throws Exception {
        visionModel = TinyQwenVlModels.write(dir.resolve("vision"), 7);
        imageModel = TinyLcmModels.write(dir.resolve("image"), TinyLcmModels.Variant.FLOAT32, 11, "red", "fox");
        inputDir = Files.createDirectories(dir.resolve("inputs"));
    }

    @Test
    void oneWorkerBuiltFromFlagsServesVisionAndImageJobs(KafkaHandle kafka, RedisHandle redis) throws Exception {
        WorkerBench.emptyCache(redis);
        Topics topics = new Topics(Names.unique("main"));
        String replyTopic = topics.prefix() + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        Files.write(inputDir.resolve("pic.png"), png());

        try (Worker worker = build("--kinds", "vision,image", "--worker-id", "w-main",
                "--bootstrap-servers", kafka.bootstrapServers(), "--redis-url", redis.url(),
                "--topic-prefix", topics.prefix(), "--partitions", "1",
                "--vision-model", visionModel.toString(), "--vision-variant", "fp32", "--vision-threads", "1",
                "--vision-max-pixels", "3136", "--vision-max-tokens", "6", "--input-dir", inputDir.toString(),
                "--image-model", imageModel.toString(), "--image-threads", "1", "--image-default-size", "64",
                "--output-dir", dir.resolve("out").toString()).start();
             Replies replies = new Replies(kafka.bootstrapServers(), replyTopic)) {
            assertThat(worker.engine(JobKind.VISION)).isInstanceOf(QwenVlEngine.class);
            assertThat(worker.engine(JobKind.IMAGE)).isInstanceOf(LcmImageEngine.class);
            assertThat(worker.engine(JobKind.CHAT)).isNull();

            ObjectNode vision = Json.MAPPER.createObjectNode().put("question", "What is this?");
            vision.putObject("image").put("path", "pic.png");
            send(kafka, topics, JobEnvelope.of("v1", JobKind.VISION, replyTopic, vision));
            send(kafka, topics, JobEnvelope.of("i1", JobKind.IMAGE, replyTopic,
                    Json.MAPPER.createObjectNode().put("prompt", "a red fox").put("steps", 1).put("seed", 3)));

            ResultEnvelope v = replies.await("v1", WAIT);
            ResultEnvelope i = replies.await("i1", WAIT);
            assertThat(v.status()).as(Json.toString(v)).isEqualTo(ResultStatus.OK);
            assertThat(v.model()).isEqualTo("qwen2-vl-2b-instruct");
            assertThat(v.usage().completionTokens()).isBetween(1, 6);
            assertThat(i.status()).as(Json.toString(i)).isEqualTo(ResultStatus.OK);
            assertThat(i.model()).isEqualTo("lcm-dreamshaper-v7");
            assertThat(i.output().get("width").asInt()).as("--image-default-size").isEqualTo(64);
            assertThat(List.of(v.workerId(), i.workerId())).containsOnly("w-main");
            assertThat(worker.engine(JobKind.VISION).inferenceCount()).isEqualTo(1);
            assertThat(worker.engine(JobKind.IMAGE).inferenceCount()).isEqualTo(1);
            assertThat(worker.running()).isTrue();
        }
    }

    @Test
    void aMissingModelDirectoryNamesItAndThePullCommand() {
        Path absent = dir.resolve("no-such-model");
        assertThatThrownBy(() -> build("--kinds", "vision", "--vision-model", absent.toString()))
                .isInstanceOf(EngineLoadException.class)
                .hasMessageContaining(absent.toAbsolutePath().toString())
                .hasMessageContaining("xaichat models pull vision");
        assertThatThrownBy(() -> build("--kinds", "image", "--image-model", absent.toString()))
                .isInstanceOf(EngineLoadException.class)
                .hasMessageContaining(absent.toAbsolutePath().toString())
                .hasMessageContaining("xaichat models pull image");
        // Without --vision-model the directory is looked up under --models-dir.
        assertThatThrownBy(() -> build("--kinds", "vision", "--models-dir", dir.resolve("models").toString()))
                .isInstanceOf(EngineLoadException.class)
                .hasMessageContaining(dir.resolve("models").resolve("vision/qwen2-vl-2b-instruct").toString())
                .hasMessageContaining("xaichat models pull vision");
    }

    @Test
    void theVisionVariantPicksTheOnnxFileSuffix() throws Exception {
        // The tiny model's files have no suffix: fp32 and an empty variant find them, the default q4 does not.
        for (String variant : List.of("fp32", "")) {
            try (Worker worker = build("--kinds", "vision", "--vision-threads", "1", "--vision-model",
                    visionModel.toString(), "--vision-variant=" + variant)) {
                assertThat(worker.engine(JobKind.VISION)).as("variant '%s'", variant).isInstanceOf(QwenVlEngine.class);
            }
        }
        assertThatThrownBy(() -> build("--kinds", "vision", "--vision-threads", "1", "--vision-model",
                visionModel.toString()))
                .isInstanceOf(EngineLoadException.class)
                .hasMessageContaining(visionModel.resolve("onnx/vision_encoder_q4.onnx").toString())
                .hasMessageContaining("xaichat models pull vision --variant q4");

        Path quantized = copyWithSuffix(visionModel, dir.resolve("vision-q4f16"), "_q4f16");
        try (Worker worker = build("--kinds", "vision", "--vision-threads", "1", "--vision-model", quantized.toString(),
                "--vision-variant", "q4f16")) {
            assertThat(worker.engine(JobKind.VISION)).isInstanceOf(QwenVlEngine.class);
        }
    }

    @Test
    void aMissingModelIsReportedAsMissingNotAsABadSetting() {
        Path absent = dir.resolve("absent.gguf");
        assertThatThrownBy(() -> build("--kinds", "chat", "--chat-model", absent.toString()))
                .isInstanceOfSatisfying(EngineLoadException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EngineLoadException.Reason.MODEL_MISSING);
                    assertThat(e.exitCode()).isEqualTo(2);
                })
                .hasMessageStartingWith("model missing: chat model file not found: " + absent.toAbsolutePath())
                .hasMessageContaining("--chat-model (XAICHAT_CHAT_MODEL)")
                .hasMessageNotContaining("invalid configuration");
    }

    @Test
    void aModelFileTheEngineRefusesSaysItFailedToLoad() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.gguf"), "not a gguf file at all".getBytes());
        assertThatThrownBy(() -> build("--kinds", "chat", "--chat-model", garbage.toString(), "--chat-threads", "1"))
                .isInstanceOfSatisfying(EngineLoadException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EngineLoadException.Reason.MODEL_UNLOADABLE);
                    assertThat(e.exitCode()).isEqualTo(1);
                })
                .hasMessageStartingWith("model failed to load: chat model " + garbage)
                .hasMessageNotContaining("invalid configuration");
    }

    @Test
    void llamaCppLibrariesThatDoNotLoadAreANativeLibraryFailure() throws Exception {
        Path model = io.xaichat.testkit.gguf.TinyGgufModels.qwen2(dir);
        Path emptyLibDir = Files.createDirectories(dir.resolve("no-libs"));
        assertThatThrownBy(() -> build("--kinds", "chat", "--chat-model", model.toString(), "--chat-threads", "1",
                "--llama-lib-dir", emptyLibDir.toString()))
                .isInstanceOfSatisfying(EngineLoadException.class,
                        e -> assertThat(e.reason()).isEqualTo(EngineLoadException.Reason.NATIVE_LIBRARY))
                .hasMessageStartingWith("native library failed to load: chat engine llama-cpp")
                .hasMessageNotContaining("invalid configuration");
    }

    /** Parses the flags as the command line does and builds the worker (engines loaded, nothing started). */
    private static Worker build(String... args) {
        CommandLine cli = WorkerMain.commandLine();
        cli.parseArgs(args);
        return WorkerMain.build(WorkerMain.settings(cli.getCommandSpec(), Map.of()), JobListener.NONE);
    }

    private static void send(KafkaHandle kafka, Topics topics, JobEnvelope job) {
        kafka.send(new ProducerRecord<>(topics.jobs(job.kind()), job.jobId(), Json.toBytes(job)));
    }

    private static Path copyWithSuffix(Path model, Path target, String suffix) throws Exception {
        Files.createDirectories(target.resolve("onnx"));
        Files.copy(model.resolve("tokenizer.json"), target.resolve("tokenizer.json"));
        List<Path> onnx = new ArrayList<>();
        try (Stream<Path> files = Files.list(model.resolve("onnx"))) {
            files.filter(f -> f.toString().endsWith(".onnx")).forEach(onnx::add);
        }
        for (Path f : onnx) {
            String name = f.getFileName().toString().replace(".onnx", suffix + ".onnx");
            Files.copy(f, target.resolve("onnx").resolve(name));
        }
        return target;
    }

    private static byte[] png() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 30,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) image.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
