package io.xaichat.testkit.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Qwen2-VL-shaped model directory in the onnx-community layout with random weights: {@code vision_encoder}
 * (pixel_values [N,1176], grid_thw [n,3] → image_features [N/4, hidden]), {@code embed_tokens} and a 2-layer
 * {@code decoder_model_merged} (inputs_embeds, attention_mask, 3-row position_ids, past_key_values.* → logits,
 * present.*), plus a byte-level BPE {@code tokenizer.json}: ids 0–255 are the bytes, then the Qwen special
 * tokens at small ids (the engine reads them from the tokenizer, so their real ids are not needed).
 *
 * <p>Every output depends on its inputs: the encoder is a matrix product of each merged 2×2 window, the decoder
 * adds a projection of the three position rows to the embeddings and attends over the whole KV cache.
 */
public final class TinyQwenVlModels {
    public static final int HIDDEN = 16;
    public static final int LAYERS = 2;
    public static final int KV_HEADS = 2;
    public static final int HEAD_DIM = 8;
    public static final List<String> SPECIALS = List.of(
            "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>");
    public static final int VOCAB = 256 + SPECIALS.size();
    private static final int PATCH = 3 * 2 * 14 * 14;

    private TinyQwenVlModels() {}

    /** Writes the model directory; {@code seed} picks the random weights. */
    public static Path write(Path dir, long seed) throws IOException {
        Random rng = new Random(seed);
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        visionEncoder(rng).write(onnx.resolve("vision_encoder.onnx"));
        embedTokens(rng).write(onnx.resolve("embed_tokens.onnx"));
        decoder(rng).write(onnx.resolve("decoder_model_merged.onnx"));
        writeTokenizer(dir.resolve("tokenizer.json"));
        return dir;
    }

    static OnnxModelWriter visionEncoder(Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("vision_encoder");
        m.input("pixel_values", OnnxType.FLOAT, "num_patches", PATCH);
        m.input("grid_thw", OnnxType.INT64, "num_images", 3);
        m.output("image_features", OnnxType.FLOAT, "num_tokens", HIDDEN);
        // Consecutive groups of 4 rows are one merge window (the processor's patch order), as in the real merger.
        String windows = m.op("Reshape", "pixel_values", m.longs(-1, 4L * PATCH)).output();
        String projected = m.op("MatMul", windows, m.random(rng, 0.05f, OnnxType.FLOAT, 4L * PATCH, HIDDEN)).output();
        m.node("Tanh").in(projected).out("image_features");
        return m;
    }

    static OnnxModelWriter embedTokens(Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("embed_tokens");
        m.input("input_ids", OnnxType.INT64, "batch", "seq");
        m.output("inputs_embeds", OnnxType.FLOAT, "batch", "seq", HIDDEN);
        m.node("Gather").in(m.random(rng, 1f, OnnxType.FLOAT, VOCAB, HIDDEN), "input_ids").out("inputs_embeds").attr("axis", 0L);
        return m;
    }

    public static OnnxModelWriter decoder(Random rng) {
        OnnxModelWriter m = new OnnxModelWriter("decoder_model_merged");
        m.input("inputs_embeds", OnnxType.FLOAT, "batch", "seq", HIDDEN);
        m.input("attention_mask", OnnxType.INT64, "batch", "total");
        m.input("position_ids", OnnxType.INT64, 3, "batch", "seq");
        for (int i = 0; i < LAYERS; i++) {
            m.input("past_key_values." + i + ".key", OnnxType.FLOAT, "batch", KV_HEADS, "past", HEAD_DIM);
            m.input("past_key_values." + i + ".value", OnnxType.FLOAT, "batch", KV_HEADS, "past", HEAD_DIM);
        }
        m.output("logits", OnnxType.FLOAT, "batch", "seq", VOCAB);
        for (int i = 0; i < LAYERS; i++) {
            m.output("present." + i + ".key", OnnxType.FLOAT, "batch", KV_HEADS, "total", HEAD_DIM);
            m.output("present." + i + ".value", OnnxType.FLOAT, "batch", KV_HEADS, "total", HEAD_DIM);
        }
        String x = decoderBody(m, rng, "inputs_embeds", OnnxType.FLOAT);
        m.node("MatMul").in(x, m.random(rng, 2f, OnnxType.FLOAT, HIDDEN, VOCAB)).out("logits");
        return m;
    }

    /**
     * The decoder's layers on float32 embeddings {@code embeds}: adds a projection of the three position rows, then
     * attention over past + new keys per layer, writing {@code present.*} in the {@code cache} element type.
     * Returns the final hidden state (float32) for the caller's head.
     */
    static String decoderBody(OnnxModelWriter m, Random rng, String embeds, OnnxType cache) {
        // x = embeds + (positions [b,s,3] · P) / 8
        String pos = m.op("Cast", "position_ids").attr("to", (long) OnnxType.FLOAT.code()).output();
        String posBs3 = m.op("Transpose", pos).ints("perm", 1, 2, 0).output();
        String posEmb = m.op("MatMul", posBs3, m.random(rng, 0.125f, OnnxType.FLOAT, 3, HIDDEN)).output();
        String x = m.op("Add", embeds, posEmb).output();
        int width = KV_HEADS * HEAD_DIM;
        String heads = m.longs(0, 0, KV_HEADS, HEAD_DIM);
        for (int i = 0; i < LAYERS; i++) {
            // Large query/key weights make attention sharp, so a few different prompt tokens change the answer.
            String q = split(m, m.op("MatMul", x, m.random(rng, 1.5f, OnnxType.FLOAT, HIDDEN, width)).output(), heads);
            String k = split(m, m.op("MatMul", x, m.random(rng, 1.5f, OnnxType.FLOAT, HIDDEN, width)).output(), heads);
            String v = split(m, m.op("MatMul", x, m.random(rng, 0.5f, OnnxType.FLOAT, HIDDEN, width)).output(), heads);
            String keys = cacheConcat(m, "past_key_values." + i + ".key", k, "present." + i + ".key", cache);
            String values = cacheConcat(m, "past_key_values." + i + ".value", v, "present." + i + ".value", cache);
            String kt = m.op("Transpose", keys).ints("perm", 0, 1, 3, 2).output();
            String scores = m.op("Mul", m.op("MatMul", q, kt).output(),
                    m.scalar((float) (1 / Math.sqrt(HEAD_DIM)))).output();
            String weights = m.op("Softmax", scores).attr("axis", -1L).output();
            String context = m.op("MatMul", weights, values).output();
            String merged = m.op("Reshape", m.op("Transpose", context).ints("perm", 0, 2, 1, 3).output(),
                    m.longs(0, 0, width)).output();
            x = m.op("Add", x, m.op("MatMul", merged, m.random(rng, 0.5f, OnnxType.FLOAT, width, HIDDEN)).output()).output();
        }
        return x;
    }

    /** past ++ new along the sequence axis, as float32; {@code present} gets it in the cache's element type. */
    private static String cacheConcat(OnnxModelWriter m, String past, String added, String present, OnnxType cache) {
        if (cache == OnnxType.FLOAT) {
            m.node("Concat").in(past, added).out(present).attr("axis", 2L);
            return present;
        }
        String pastFloat = m.op("Cast", past).attr("to", (long) OnnxType.FLOAT.code()).output();
        String all = m.op("Concat", pastFloat, added).attr("axis", 2L).output();
        m.node("Cast").in(all).out(present).attr("to", (long) cache.code());
        return all;
    }

    /** [b, s, heads·dim] → [b, heads, s, dim]. */
    private static String split(OnnxModelWriter m, String projected, String heads) {
        return m.op("Transpose", m.op("Reshape", projected, heads).output()).ints("perm", 0, 2, 1, 3).output();
    }

    /** A byte-level BPE tokenizer.json: every byte is a token (GPT-2's byte-to-character table), no merges. */
    public static void writeTokenizer(Path file) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) {
            added.addObject().put("id", 256 + i).put("content", SPECIALS.get(i)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        char[] table = byteToChar();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(table[b]), b);
        model.putArray("merges");
        Files.write(file, Json.toBytes(root));
    }

    /** GPT-2's reversible byte → printable character table used by byte-level BPE. */
    static char[] byteToChar() {
        List<Integer> direct = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) direct.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) direct.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) direct.add(b);
        char[] table = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            table[b] = direct.contains(b) ? (char) b : (char) (256 + extra++);
        }
        return table;
    }
}
