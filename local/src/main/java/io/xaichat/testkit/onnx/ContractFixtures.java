package io.xaichat.testkit.onnx;

import static io.xaichat.testkit.onnx.OnnxType.FLOAT;
import static io.xaichat.testkit.onnx.OnnxType.FLOAT16;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes tiny random-weight models that declare exactly what {@link ExportContracts} says a published export
 * declares — names, element types, ranks, symbolic dims, optional inputs, external data file — so each export's
 * contract is exercised by the real engines. Graphs compute in float32 and cast at their edges where the contract
 * has float16; 4-bit variants put a real {@code com.microsoft:MatMulNBits} (the operator 4-bit exports are built
 * on) in the decoder's head, in float16 for q4f16.
 */
public final class ContractFixtures {
    private static final long EXTERNAL_MIN_BYTES = 1024;

    private ContractFixtures() {}

    /** A Qwen2-VL model directory for {@code v}: the three graphs, tokenizer and the published config files. */
    public static Path writeQwenVl(Path dir, ExportContracts.QwenVl v, long seed) throws IOException {
        Random rng = new Random(seed);
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        visionEncoder(v.vision(), rng).write(onnx.resolve(v.vision().file()));
        embedTokens(v.embed(), rng).write(onnx.resolve(v.embed().file()));
        decoder(v, rng).write(onnx.resolve(v.decoder().file()));
        TinyQwenVlModels.writeTokenizer(dir.resolve("tokenizer.json"));
        writeQwenConfigs(dir, 32768); // max_position_embeddings as published
        return dir;
    }

    /**
     * config.json with the fixture's sizes; preprocessor_config.json and generation_config.json as Qwen/Qwen2-VL-2B-
     * Instruct publishes them (max_pixels 12845056, repetition_penalty 1.05).
     */
    public static void writeQwenConfigs(Path dir, int contextLength) throws IOException {
        ObjectNode config = Json.MAPPER.createObjectNode().put("model_type", "qwen2_vl")
                .put("hidden_size", ExportContracts.HIDDEN).put("num_attention_heads", 2)
                .put("num_key_value_heads", ExportContracts.KV_HEADS).put("num_hidden_layers", ExportContracts.LAYERS)
                .put("intermediate_size", 32).put("vocab_size", ExportContracts.VOCAB)
                .put("max_position_embeddings", contextLength);
        config.putObject("vision_config").put("embed_dim", 32).put("num_heads", 2).put("mlp_ratio", 4)
                .put("depth", 1).put("patch_size", 14).put("spatial_merge_size", 2).put("temporal_patch_size", 2);
        Files.write(dir.resolve("config.json"), Json.toBytes(config));
        ObjectNode pre = Json.MAPPER.createObjectNode().put("min_pixels", 3136).put("max_pixels", 12845056)
                .put("patch_size", 14).put("temporal_patch_size", 2).put("merge_size", 2)
                .put("image_processor_type", "Qwen2VLImageProcessor").put("processor_class", "Qwen2VLProcessor");
        pre.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
        pre.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
        Files.write(dir.resolve("preprocessor_config.json"), Json.toBytes(pre));
        ObjectNode gen = Json.MAPPER.createObjectNode().put("bos_token_id", 151643).put("pad_token_id", 151643)
                .put("do_sample", true).put("repetition_penalty", 1.05).put("temperature", 0.01).put("top_p", 0.001)
                .put("top_k", 1);
        gen.putArray("eos_token_id").add(151645).add(151643);
        Files.write(dir.resolve("generation_config.json"), Json.toBytes(gen));
    }

    /** The LCM model directory for the image contract, UNet weights in {@code unet/model.onnx_data}. */
    public static Path writeLcm(Path dir, ExportContracts.Lcm c, long seed, String... words) {
        // FLOAT32 is the dtype layout of this export: float32 activations, int32 input_ids, int64 timestep [steps].
        return TinyLcmModels.write(dir, TinyLcmModels.Variant.FLOAT32, seed, c, words);
    }

    static void declare(OnnxModelWriter m, ExportContracts.Graph g) {
        for (ExportContracts.Value v : g.inputs()) m.input(v.name(), v.type(), v.dims());
        for (ExportContracts.Value v : g.outputs()) m.output(v.name(), v.type(), v.dims());
        if (g.externalData() != null) m.externalData(g.externalData(), EXTERNAL_MIN_BYTES);
    }

    private static OnnxModelWriter visionEncoder(ExportContracts.Graph g, Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("vision_encoder");
        declare(m, g);
        int row = ExportContracts.PATCH_ROW;
        String windows = m.op("Reshape", toFloat(m, g.inputs().get(0)), m.longs(-1, 4L * row)).output();
        String projected = m.op("MatMul", windows, m.random(rng, 0.05f, FLOAT, 4L * row, ExportContracts.HIDDEN)).output();
        fromFloat(m, m.op("Tanh", projected).output(), g.outputs().get(0));
        return m;
    }

    private static OnnxModelWriter embedTokens(ExportContracts.Graph g, Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("embed_tokens");
        declare(m, g);
        String table = m.random(rng, 1f, FLOAT, ExportContracts.VOCAB, ExportContracts.HIDDEN);
        String embedded = m.op("Gather", table, "input_ids").attr("axis", 0L).output();
        fromFloat(m, embedded, g.outputs().get(0));
        return m;
    }

    /** TinyQwenVlModels' decoder with the contract's types, optional inputs and head operator. */
    private static OnnxModelWriter decoder(ExportContracts.QwenVl v, Random rng) {
        ExportContracts.Graph g = v.decoder();
        OnnxModelWriter m = new OnnxModelWriter("decoder_model_merged");
        declare(m, g);
        OnnxType cache = g.inputs().stream().filter(i -> i.name().startsWith("past_key_values.")).findFirst()
                .orElseThrow().type();
        String x = TinyQwenVlModels.decoderBody(m, rng, toFloat(m, g.inputs().get(0)), cache);
        if (v.declares("use_cache_branch")) {
            // Used, so ONNX Runtime requires it: adds 0 either way, as the merged decoder's branches agree.
            String flag = m.op("Cast", "use_cache_branch").attr("to", (long) FLOAT.code()).output();
            x = m.op("Add", x, m.op("Mul", flag, m.scalar(0f)).output()).output();
        }
        if (v.declares("num_logits_to_keep")) {
            // transformers' logits_to_keep: the last N positions (0 keeps all) go through the head.
            String n = m.op("Unsqueeze", "num_logits_to_keep", m.longs(0)).output();
            String start = m.op("Neg", n).output();
            x = m.op("Slice", x, start, m.longs(Long.MAX_VALUE), m.longs(1)).output();
        }
        String logits = "MatMulNBits".equals(v.fused()) ? matMulNBits(m, rng, x, v.activations())
                : m.op("MatMul", x, m.random(rng, 2f, FLOAT, ExportContracts.HIDDEN, ExportContracts.VOCAB)).output();
        fromFloat(m, logits, g.outputs().get(0));
        return m;
    }

    /**
     * com.microsoft:MatMulNBits (4-bit blocks of 16 along K, one float scale per block) on float32 or float16
     * activations, as 4-bit exports compute their projections.
     */
    private static String matMulNBits(OnnxModelWriter m, Random rng, String x, OnnxType activations) {
        int k = ExportContracts.HIDDEN;
        int n = ExportContracts.VOCAB;
        int block = 16;
        int blocks = k / block;
        byte[] packed = new byte[n * blocks * block / 2];
        rng.nextBytes(packed);
        String weights = m.fresh("q4");
        m.initializer(weights, OnnxModelWriter.Tensor.bytes(packed, n, blocks, block / 2));
        float[] scales = new float[n * blocks];
        for (int i = 0; i < scales.length; i++) scales[i] = 0.1f + rng.nextFloat() * 0.2f;
        String scale = m.fresh("scales");
        m.initializer(scale, activations == FLOAT16 ? OnnxModelWriter.Tensor.halfs(scales, scales.length)
                : OnnxModelWriter.Tensor.floats(scales, scales.length));
        m.opsetImport("com.microsoft", 1);
        String input = activations == FLOAT16 ? m.op("Cast", x).attr("to", (long) FLOAT16.code()).output() : x;
        String out = m.fresh("matmulnbits");
        m.node("MatMulNBits").domain("com.microsoft").in(input, weights, scale).out(out)
                .attr("K", (long) k).attr("N", (long) n).attr("bits", 4L).attr("block_size", (long) block);
        return activations == FLOAT16 ? m.op("Cast", out).attr("to", (long) FLOAT.code()).output() : out;
    }

    static String toFloat(OnnxModelWriter m, ExportContracts.Value input) {
        return input.type() == FLOAT ? input.name() : m.op("Cast", input.name()).attr("to", (long) FLOAT.code()).output();
    }

    static void fromFloat(OnnxModelWriter m, String value, ExportContracts.Value output) {
        m.node("Cast").in(value).out(output.name()).attr("to", (long) output.type().code());
    }

    /** The variants in manifest order. */
    public static List<String> qwenVlVariants() {
        return ExportContracts.qwenVl().stream().map(ExportContracts.QwenVl::variant).toList();
    }
}
