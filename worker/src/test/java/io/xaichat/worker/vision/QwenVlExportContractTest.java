package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.testkit.onnx.ContractFixtures;
import io.xaichat.testkit.onnx.ExportContracts;
import io.xaichat.testkit.onnx.OnnxModelWriter;
import io.xaichat.testkit.onnx.OnnxType;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.onnx.OnnxGraphFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Qwen2-VL export variant the manifest offers, as a fixture that declares exactly the published contract
 * ({@link ExportContracts}): the engine loads it, feeds every declared input, and answers a question about an image.
 */
class QwenVlExportContractTest {
    @TempDir
    Path dir;

    static Stream<ExportContracts.QwenVl> variants() {
        return ExportContracts.qwenVl().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void theEngineLoadsAndRunsEachPublishedExport(ExportContracts.QwenVl v) throws Exception {
        Path model = ContractFixtures.writeQwenVl(dir.resolve(v.variant()), v, 7);
        for (ExportContracts.Graph g : new ExportContracts.Graph[] {v.vision(), v.embed(), v.decoder()}) {
            OnnxGraphFile graph = OnnxGraphFile.read(model.resolve("onnx").resolve(g.file()));
            assertThat(graph.inputs().keySet()).as(g.file())
                    .containsExactlyElementsOf(g.inputs().stream().map(ExportContracts.Value::name).toList());
            assertThat(graph.externalData()).as(g.file() + " external data")
                    .containsExactlyElementsOf(g.externalData() == null ? java.util.List.of() : java.util.List.of(g.externalData()));
        }
        try (QwenVlEngine engine = QwenVlEngine.load(VisionEngineConfig.of("contract-" + v.variant(), model)
                .withVariant(v.suffix()).withPixels(null, 28L * 28 * 4).withDefaultMaxTokens(6))) {
            EngineResult result = engine.run(engine.prepare(job(request("What is in the picture?"))), ChunkSink.NONE);
            assertThat(result.usage().completionTokens()).isBetween(1, 6);
            assertThat(result.usage().promptTokens()).isGreaterThan(4);
            EngineResult again = engine.run(engine.prepare(job(request("What is in the picture?"))), ChunkSink.NONE);
            assertThat(again.output()).isEqualTo(result.output());
        }
    }

    /** The variants with a graph whose weights live in an external data file (q4, fp16, fp32). */
    static Stream<ExportContracts.QwenVl> variantsWithExternalData() {
        return variants().filter(v -> externalGraph(v) != null);
    }

    private static ExportContracts.Graph externalGraph(ExportContracts.QwenVl v) {
        return Stream.of(v.vision(), v.embed(), v.decoder()).filter(g -> g.externalData() != null).findFirst().orElse(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variantsWithExternalData")
    void aMissingExternalDataFileIsNamedBeforeLoading(ExportContracts.QwenVl v) throws Exception {
        ExportContracts.Graph external = externalGraph(v);
        assertThat(variantsWithExternalData().map(ExportContracts.QwenVl::variant)).containsExactly("q4", "fp16", "fp32");
        Path model = ContractFixtures.writeQwenVl(dir.resolve(v.variant()), v, 7);
        Files.delete(model.resolve("onnx").resolve(external.externalData()));
        assertThatThrownBy(() -> QwenVlEngine.load(VisionEngineConfig.of("m", model).withVariant(v.suffix())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(external.externalData() + ", which is missing")
                .hasMessageContaining("xaichat models pull vision --variant " + v.variant());
    }

    /**
     * q4f16 graphs fuse float16 work into com.microsoft operators; where ONNX Runtime's CPU provider lacks a kernel
     * (BiasAdd is CUDA-only) the load fails with advice on the variant instead of ORT's bare message.
     */
    @org.junit.jupiter.api.Test
    void aFusedFloat16OperatorWithoutACpuKernelFailsTheLoadWithAdviceOnTheVariant() throws Exception {
        ExportContracts.QwenVl q4f16 = variants().filter(v -> v.variant().equals("q4f16")).findFirst().orElseThrow();
        Path model = ContractFixtures.writeQwenVl(dir.resolve("q4f16"), q4f16, 7);
        OnnxModelWriter m = new OnnxModelWriter("embed_tokens").opsetImport("com.microsoft", 1);
        m.input("input_ids", OnnxType.INT64, "batch_size", "sequence_length");
        m.output("inputs_embeds", OnnxType.FLOAT, "batch_size", "sequence_length", ExportContracts.HIDDEN);
        String table = m.random(new java.util.Random(1), 1f, OnnxType.FLOAT16, ExportContracts.VOCAB, ExportContracts.HIDDEN);
        String x = m.op("Gather", table, "input_ids").attr("axis", 0L).output();
        String bias = m.random(new java.util.Random(2), 1f, OnnxType.FLOAT16, ExportContracts.HIDDEN);
        String fused = m.fresh("biasadd");
        m.node("BiasAdd").domain("com.microsoft").in(x, bias, x).out(fused);
        m.node("Cast").in(fused).out("inputs_embeds").attr("to", (long) OnnxType.FLOAT.code());
        m.write(model.resolve("onnx/embed_tokens_q4f16.onnx"));

        assertThatThrownBy(() -> QwenVlEngine.load(VisionEngineConfig.of("m", model).withVariant("_q4f16")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("embed_tokens_q4f16.onnx (variant q4f16) uses an operator ONNX Runtime's CPU provider has no kernel for")
                .hasMessageContaining("BiasAdd")
                .hasMessageContaining("fused com.microsoft operators [BiasAdd]")
                .hasMessageContaining("--vision-variant q4 or int8");
    }

    /** generation_config.json's repetition_penalty (1.05 as published) reaches the sampler. */
    @org.junit.jupiter.api.Test
    void theGenerationConfigsRepetitionPenaltyIsApplied() throws Exception {
        ExportContracts.QwenVl q4 = variants().findFirst().orElseThrow();
        Path model = ContractFixtures.writeQwenVl(dir.resolve("penalty"), q4, 7);
        java.util.List<String> outputs = new java.util.ArrayList<>();
        for (double penalty : new double[] {1.0, 1.0, 20.0}) {
            Path config = model.resolve("generation_config.json");
            ObjectNode gen = (ObjectNode) Json.tree(Files.readAllBytes(config));
            Files.write(config, Json.toBytes(gen.put("repetition_penalty", penalty)));
            try (QwenVlEngine engine = QwenVlEngine.load(VisionEngineConfig.of("m", model).withVariant("_q4")
                    .withPixels(null, 28L * 28 * 4).withDefaultMaxTokens(12))) {
                outputs.add(engine.run(engine.prepare(job(request("Describe it"))), ChunkSink.NONE).output().asText());
            }
        }
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
        assertThat(outputs.get(2)).isNotEqualTo(outputs.get(0));
    }

    private static ObjectNode request(String question) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode().put("question", question);
        r.putObject("image").put("base64", Base64.getEncoder().encodeToString(ImageInputTest.encode("png", 60, 40)));
        return r;
    }

    private static JobEnvelope job(ObjectNode request) {
        return JobEnvelope.of("job-1", JobKind.VISION, "replies", request);
    }
}
