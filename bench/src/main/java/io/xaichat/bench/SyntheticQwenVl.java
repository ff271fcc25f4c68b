package io.xaichat.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.Json;
import io.xaichat.testkit.onnx.ContractFixtures;
import io.xaichat.testkit.onnx.OnnxModelWriter;
import io.xaichat.testkit.onnx.OnnxType;
import io.xaichat.testkit.onnx.TinyQwenVlModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A Qwen2-VL-2B model directory whose graphs have the real model's widths — vision encoder 1280 wide with 16 heads
 * of full attention over all patches, merger to 1536, decoder 1536 wide with 12 query / 2 KV heads of 128 and an MLP
 * of 8960 — so that the working memory of a job is the real one; depth is cut (2 vision blocks, 1 decoder layer)
 * and the vocabulary is the test tokenizer's 262 tokens, which change resident weights, not a job's activations. The onnx-community layout
 * and input/output names; weights in external data files. Random weights.
 */
final class SyntheticQwenVl {
    static final int VOCAB = TinyQwenVlModels.VOCAB; // the test tokenizer's; with num_logits_to_keep a job holds one row of logits
    private static final int V_WIDTH = 1280, V_HEADS = 16, V_HEAD = 80, V_MLP = 5120, V_BLOCKS = 2;
    private static final int HIDDEN = 1536, HEADS = 12, KV_HEADS = 2, HEAD = 128, MLP = 8960, LAYERS = 1;
    private static final int ROW = 1176;

    private SyntheticQwenVl() {}

    /** Writes the model under {@code dir} once; later calls reuse it. */
    static Path write(Path dir) throws IOException {
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) return dir;
        Random rng = new Random(17);
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        visionEncoder(rng).write(onnx.resolve("vision_encoder.onnx"));
        embedTokens(rng).write(onnx.resolve("embed_tokens.onnx"));
        decoder(rng).write(onnx.resolve("decoder_model_merged.onnx"));
        TinyQwenVlModels.writeTokenizer(dir.resolve("tokenizer.json"));
        ContractFixtures.writeQwenConfigs(dir, 32768);
        ObjectNode config = Json.MAPPER.createObjectNode().put("model_type", "qwen2_vl").put("hidden_size", HIDDEN)
                .put("num_attention_heads", HEADS).put("num_key_value_heads", KV_HEADS).put("intermediate_size", MLP)
                .put("vocab_size", VOCAB).put("max_position_embeddings", 32768).put("num_hidden_layers", LAYERS);
        config.putObject("vision_config").put("embed_dim", V_WIDTH).put("num_heads", V_HEADS).put("mlp_ratio", 4)
                .put("depth", V_BLOCKS);
        Files.write(dir.resolve("config.json"), Json.toBytes(config));
        Files.writeString(done, "");
        return dir;
    }

    private static String w(OnnxModelWriter m, Random rng, long in, long out) {
        return m.random(rng, (float) (1 / Math.sqrt(in)), OnnxType.FLOAT, in, out);
    }

    private static String silu(OnnxModelWriter m, String x) {
        return m.op("Mul", x, m.op("Sigmoid", x).output()).output();
    }

    static OnnxModelWriter visionEncoder(Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("vision_encoder").externalData("vision_encoder.onnx_data", 1 << 16);
        m.input("pixel_values", OnnxType.FLOAT, "num_patches", ROW);
        m.input("grid_thw", OnnxType.INT64, "num_images", 3);
        m.output("image_features", OnnxType.FLOAT, "num_features", HIDDEN);
        String x = m.op("MatMul", "pixel_values", w(m, rng, ROW, V_WIDTH)).output();
        for (int b = 0; b < V_BLOCKS; b++) {
            // Full attention over all patches of the image, as the exported eager attention computes it.
            String qkv = m.op("MatMul", x, w(m, rng, V_WIDTH, 3L * V_WIDTH)).output();
            String split = m.op("Transpose", m.op("Reshape", qkv, m.longs(-1, 3, V_HEADS, V_HEAD)).output())
                    .ints("perm", 1, 2, 0, 3).output(); // [3, heads, N, 80]
            String q = m.op("Gather", split, m.longs(0)).attr("axis", 0L).output();
            String k = m.op("Gather", split, m.longs(1)).attr("axis", 0L).output();
            String v = m.op("Gather", split, m.longs(2)).attr("axis", 0L).output();
            String kt = m.op("Transpose", k).ints("perm", 0, 1, 3, 2).output();
            String scores = m.op("Mul", m.op("MatMul", q, kt).output(), m.scalar((float) (1 / Math.sqrt(V_HEAD)))).output();
            String context = m.op("MatMul", m.op("Softmax", scores).attr("axis", -1L).output(), v).output();
            String merged = m.op("Reshape", m.op("Transpose", context).ints("perm", 0, 2, 1, 3).output(),
                    m.longs(-1, V_WIDTH)).output();
            x = m.op("Add", x, m.op("MatMul", merged, w(m, rng, V_WIDTH, V_WIDTH)).output()).output();
            String up = silu(m, m.op("MatMul", x, w(m, rng, V_WIDTH, V_MLP)).output());
            x = m.op("Add", x, m.op("MatMul", up, w(m, rng, V_MLP, V_WIDTH)).output()).output();
        }
        // Merger: each 2×2 window (4 consecutive rows) to one 1536-wide feature.
        String windows = m.op("Reshape", x, m.longs(-1, 4L * V_WIDTH)).output();
        String hidden = silu(m, m.op("MatMul", windows, w(m, rng, 4L * V_WIDTH, 4L * V_WIDTH)).output());
        m.node("MatMul").in(hidden, w(m, rng, 4L * V_WIDTH, HIDDEN)).out("image_features");
        return m;
    }

    static OnnxModelWriter embedTokens(Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("embed_tokens").externalData("embed_tokens.onnx_data", 1 << 16);
        m.input("input_ids", OnnxType.INT64, "batch_size", "sequence_length");
        m.output("inputs_embeds", OnnxType.FLOAT, "batch_size", "sequence_length", HIDDEN);
        m.node("Gather").in(m.random(rng, 0.02f, OnnxType.FLOAT, VOCAB, HIDDEN), "input_ids").out("inputs_embeds")
                .attr("axis", 0L);
        return m;
    }

    static OnnxModelWriter decoder(Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("decoder_model_merged").externalData("decoder_model_merged.onnx_data", 1 << 16);
        m.input("inputs_embeds", OnnxType.FLOAT, "batch_size", "sequence_length", HIDDEN);
        m.input("attention_mask", OnnxType.INT64, "batch_size", "total_sequence_length");
        m.input("position_ids", OnnxType.INT64, 3, "batch_size", "sequence_length");
        for (int i = 0; i < LAYERS; i++) {
            for (String kind : new String[] {"key", "value"}) {
                m.input("past_key_values." + i + "." + kind, OnnxType.FLOAT, "batch_size", KV_HEADS, "past_sequence_length", HEAD);
                m.output("present." + i + "." + kind, OnnxType.FLOAT, "batch_size", KV_HEADS, "total_sequence_length", HEAD);
            }
        }
        m.input("num_logits_to_keep", OnnxType.INT64);
        m.output("logits", OnnxType.FLOAT, "batch_size", "sequence_length", VOCAB);
        String pos = m.op("Transpose", m.op("Cast", "position_ids").attr("to", (long) OnnxType.FLOAT.code()).output())
                .ints("perm", 1, 2, 0).output();
        String x = m.op("Add", "inputs_embeds", m.op("MatMul", pos, m.random(rng, 1e-4f, OnnxType.FLOAT, 3, HIDDEN)).output()).output();
        int group = HEADS / KV_HEADS;
        for (int i = 0; i < LAYERS; i++) {
            // Grouped-query attention: 12 query heads as 2 groups of 6 sharing each KV head (broadcast MatMul).
            String q = m.op("Transpose", m.op("Reshape", m.op("MatMul", x, w(m, rng, HIDDEN, HIDDEN)).output(),
                    m.longs(0, 0, KV_HEADS, group, HEAD)).output()).ints("perm", 0, 2, 3, 1, 4).output();
            String k = m.op("Transpose", m.op("Reshape", m.op("MatMul", x, w(m, rng, HIDDEN, (long) KV_HEADS * HEAD)).output(),
                    m.longs(0, 0, KV_HEADS, HEAD)).output()).ints("perm", 0, 2, 1, 3).output();
            String v = m.op("Transpose", m.op("Reshape", m.op("MatMul", x, w(m, rng, HIDDEN, (long) KV_HEADS * HEAD)).output(),
                    m.longs(0, 0, KV_HEADS, HEAD)).output()).ints("perm", 0, 2, 1, 3).output();
            String keys = "present." + i + ".key";
            String values = "present." + i + ".value";
            m.node("Concat").in("past_key_values." + i + ".key", k).out(keys).attr("axis", 2L);
            m.node("Concat").in("past_key_values." + i + ".value", v).out(values).attr("axis", 2L);
            String kt = m.op("Unsqueeze", m.op("Transpose", keys).ints("perm", 0, 1, 3, 2).output(), m.longs(2)).output();
            String scores = m.op("Mul", m.op("MatMul", q, kt).output(), m.scalar((float) (1 / Math.sqrt(HEAD)))).output();
            String context = m.op("MatMul", m.op("Softmax", scores).attr("axis", -1L).output(),
                    m.op("Unsqueeze", values, m.longs(2)).output()).output(); // [b, 2, 6, s, 128]
            String merged = m.op("Reshape", m.op("Transpose", context).ints("perm", 0, 3, 1, 2, 4).output(),
                    m.longs(0, 0, HIDDEN)).output();
            x = m.op("Add", x, m.op("MatMul", merged, w(m, rng, HIDDEN, HIDDEN)).output()).output();
            String gate = silu(m, m.op("MatMul", x, w(m, rng, HIDDEN, MLP)).output());
            String up = m.op("MatMul", x, w(m, rng, HIDDEN, MLP)).output();
            x = m.op("Add", x, m.op("MatMul", m.op("Mul", gate, up).output(), w(m, rng, MLP, HIDDEN)).output()).output();
        }
        String last = m.op("Slice", x, m.op("Neg", m.op("Unsqueeze", "num_logits_to_keep", m.longs(0)).output()).output(),
                m.longs(Long.MAX_VALUE), m.longs(1)).output();
        m.node("MatMul").in(last, w(m, rng, HIDDEN, VOCAB)).out("logits");
        return m;
    }
}
