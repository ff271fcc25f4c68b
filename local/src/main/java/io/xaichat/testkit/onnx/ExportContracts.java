package io.xaichat.testkit.onnx;

import static io.xaichat.testkit.onnx.OnnxType.BOOL;
import static io.xaichat.testkit.onnx.OnnxType.FLOAT;
import static io.xaichat.testkit.onnx.OnnxType.FLOAT16;
import static io.xaichat.testkit.onnx.OnnxType.INT32;
import static io.xaichat.testkit.onnx.OnnxType.INT64;

import java.util.ArrayList;
import java.util.List;

/**
 * The published interface of every export the model manifest offers, written down so that tests build fixtures
 * from it ({@link ContractFixtures}) and a change in the engines that breaks an export's contract fails a test.
 * Names, element types, ranks, which dims are symbolic, optional inputs and which graph keeps its weights in an
 * external data file follow the published files; only the sizes of model dims (hidden width, vocabulary, head
 * size, layer count) are shrunk so the fixtures run in milliseconds. Symbolic dim names follow the optimum /
 * transformers.js convention; the engines must not depend on them.
 *
 * <p>Sources (read, not copied):
 * <ul>
 *   <li>[QWEN-META] A published study of onnx-community/Qwen2-VL-2B-Instruct's {@code vision_encoder_q4f16.onnx} and
 *       {@code decoder_model_merged_q4f16.onnx} as ONNX Runtime reports them: pixel_values [-1, -1] FLOAT, grid_thw
 *       [-1, 3] INT64 → image_features [-1, 1536] FLOAT; inputs_embeds [-1, -1, 1536] FLOAT, attention_mask
 *       [-1, -1] INT64, position_ids [3, -1, -1] INT64, past_key_values.0..27.key/value → logits [-1, -1, 151936]
 *       FLOAT, present.0..27.*; embed_tokens takes input_ids; pixel rows are 3·2·14·14 = 1176.</li>
 *   <li>[QWEN-CONFIG] Qwen/Qwen2-VL-2B-Instruct config.json: 28 layers, 12 heads, 2 KV heads, hidden 1536 (head
 *       size 128), vocab 151936, max_position_embeddings 32768; vision_config depth 32, embed_dim 1280, 16 heads.</li>
 *   <li>[QWEN-FILES] The export's file names and external data: issue 13 and the field notes — weights in
 *       {@code <graph>.onnx_data} next to the graph ({@code decoder_model_merged.onnx_data},
 *       {@code decoder_model_merged_fp16.onnx_data}, {@code vision_encoder_q4.onnx_data}), variant suffixes
 *       {@code _q4}, {@code _int8}, {@code _fp16}, {@code _q4f16} (transformers.js {@code DEFAULT_DTYPE_SUFFIX_MAPPING}).</li>
 *   <li>[TJS] transformers.js {@code modeling_utils.js}: {@code decoder_forward} feeds {@code use_cache_branch} as a
 *       bool tensor of shape [1] when the session declares it, {@code setNumLogitsToKeep} feeds
 *       {@code num_logits_to_keep} as an int64 scalar (shape []); caches start empty per the declared shape.</li>
 *   <li>[OPTIMUM-MERGE] optimum's {@code merge_decoders}: {@code use_cache_branch} is BOOL [1] and selects the
 *       with-past branch of an {@code If}.</li>
 *   <li>[OPTIMUM-SD] optimum's Stable Diffusion ONNX configs: text encoder input_ids {batch_size, sequence_length}
 *       (int32 in SD exports) → last_hidden_state, pooler_output; UNet sample {batch_size, num_channels, height,
 *       width}, timestep {steps}, encoder_hidden_states {batch_size, sequence_length}, timestep_cond {batch_size}
 *       (LCM) → out_sample; VAE decoder latent_sample {batch_size, num_channels_latent, height_latent,
 *       width_latent} → sample. UNet weights in {@code unet/model.onnx_data} (the manifest's LCM-Dreamshaper-V7
 *       export).</li>
 * </ul>
 * Where a fact is not published for a variant it is marked ASSUMED in the variant's description.
 */
public final class ExportContracts {
    /** Fixture model sizes (the real ones are in [QWEN-CONFIG]). */
    public static final int HIDDEN = 16, LAYERS = 2, KV_HEADS = 2, HEAD_DIM = 8, PATCH_ROW = 1176;
    public static final int VOCAB = TinyQwenVlModels.VOCAB;

    /** One declared input or output; dims are Strings (symbolic) or Integers (fixed). */
    public record Value(String name, OnnxType type, Object... dims) {}

    /**
     * One graph file of an export.
     *
     * @param externalData the file next to the graph that holds its weights, or null when they are inside it
     */
    public record Graph(String file, List<Value> inputs, List<Value> outputs, String externalData) {}

    /**
     * A Qwen2-VL export variant as the manifest offers it.
     *
     * @param variant the manifest's variant name ({@code --vision-variant})
     * @param fused the com.microsoft operator the variant's graphs are built around (MatMulNBits for 4-bit), or null
     * @param activations element type the graphs compute in (float16 for fp16/q4f16)
     */
    public record QwenVl(String variant, String suffix, String description, OnnxType activations, String fused,
                         Graph vision, Graph embed, Graph decoder) {
        public boolean declares(String decoderInput) {
            return decoder.inputs().stream().anyMatch(v -> v.name().equals(decoderInput));
        }
    }

    /** The LCM export: graphs under {@code text_encoder/}, {@code unet/}, {@code vae_decoder/}. */
    public record Lcm(String variant, Graph textEncoder, Graph unet, Graph vaeDecoder) {}

    private ExportContracts() {}

    /** Every Qwen2-VL variant in models/manifest.yaml. */
    public static List<QwenVl> qwenVl() {
        return List.of(
                qwen("q4", "_q4", "4-bit MatMulNBits weights, float32 activations [QWEN-FILES]; the vision encoder "
                        + "keeps its weights in vision_encoder_q4.onnx_data [QWEN-FILES]; num_logits_to_keep ASSUMED "
                        + "declared, to pin [TJS]'s optional input", FLOAT, FLOAT, "MatMulNBits",
                        true, false, false, true),
                qwen("int8", "_int8", "8-bit weights (MatMulInteger), float32 I/O; weights inside the graphs "
                        + "(each under 2 GB)", FLOAT, FLOAT, null, false, false, false, false),
                qwen("fp16", "_fp16", "float16 everywhere: pixel_values, embeddings, KV cache and logits ASSUMED "
                        + "float16 (fp16 conversion keeps no float32 I/O); the decoder keeps its weights in "
                        + "decoder_model_merged_fp16.onnx_data [QWEN-FILES]; use_cache_branch ASSUMED declared, as in "
                        + "optimum-merged decoders [OPTIMUM-MERGE]", FLOAT16, FLOAT16, null, false, true, true, false),
                qwen("q4f16", "_q4f16", "4-bit weights with float16 activations inside the graphs; float32 graph "
                        + "I/O as measured in [QWEN-META]; KV cache ASSUMED float16", FLOAT, FLOAT16, "MatMulNBits",
                        false, false, false, false),
                qwen("fp32", "", "full precision; the decoder's weights in decoder_model_merged.onnx_data "
                        + "[QWEN-FILES]", FLOAT, FLOAT, null, false, true, false, false));
    }

    /**
     * @param io element type of the graph inputs/outputs that carry activations
     * @param cache element type of the KV cache
     */
    private static QwenVl qwen(String variant, String suffix, String description, OnnxType io, OnnxType cache,
                               String fused, boolean visionExternal, boolean decoderExternal, boolean useCacheBranch,
                               boolean numLogitsToKeep) {
        String v = "vision_encoder" + suffix;
        Graph vision = new Graph(v + ".onnx",
                List.of(new Value("pixel_values", io, "num_patches", PATCH_ROW), new Value("grid_thw", INT64, "num_images", 3)),
                List.of(new Value("image_features", io, "num_features", HIDDEN)),
                visionExternal ? v + ".onnx_data" : null);
        String e = "embed_tokens" + suffix;
        Graph embed = new Graph(e + ".onnx",
                List.of(new Value("input_ids", INT64, "batch_size", "sequence_length")),
                List.of(new Value("inputs_embeds", io, "batch_size", "sequence_length", HIDDEN)), null);
        String d = "decoder_model_merged" + suffix;
        List<Value> in = new ArrayList<>(List.of(
                new Value("inputs_embeds", io, "batch_size", "sequence_length", HIDDEN),
                new Value("attention_mask", INT64, "batch_size", "total_sequence_length"),
                new Value("position_ids", INT64, 3, "batch_size", "sequence_length")));
        List<Value> out = new ArrayList<>(List.of(new Value("logits", io, "batch_size", "sequence_length", VOCAB)));
        for (int i = 0; i < LAYERS; i++) {
            for (String kind : List.of("key", "value")) {
                in.add(new Value("past_key_values." + i + "." + kind, cache, "batch_size", KV_HEADS, "past_sequence_length", HEAD_DIM));
                out.add(new Value("present." + i + "." + kind, cache, "batch_size", KV_HEADS, "total_sequence_length", HEAD_DIM));
            }
        }
        if (useCacheBranch) in.add(new Value("use_cache_branch", BOOL, 1));
        if (numLogitsToKeep) in.add(new Value("num_logits_to_keep", INT64));
        Graph decoder = new Graph(d + ".onnx", in, out, decoderExternal ? d + ".onnx_data" : null);
        OnnxType activations = cache == FLOAT16 ? FLOAT16 : io;
        return new QwenVl(variant, suffix, description, activations, fused, vision, embed, decoder);
    }

    /** The image model in the manifest: LCM-Dreamshaper-V7, float32 export [OPTIMUM-SD]. */
    public static Lcm lcm() {
        Graph text = new Graph("text_encoder/model.onnx",
                List.of(new Value("input_ids", INT32, "batch_size", "sequence_length")),
                List.of(new Value("last_hidden_state", FLOAT, "batch_size", "sequence_length", TinyLcmModels.HIDDEN),
                        new Value("pooler_output", FLOAT, "batch_size", TinyLcmModels.HIDDEN)), null);
        Graph unet = new Graph("unet/model.onnx",
                List.of(new Value("sample", FLOAT, "batch_size", "num_channels", "height", "width"),
                        new Value("timestep", INT64, "steps"),
                        new Value("encoder_hidden_states", FLOAT, "batch_size", "sequence_length", TinyLcmModels.HIDDEN),
                        new Value("timestep_cond", FLOAT, "batch_size", TinyLcmModels.COND_DIM)),
                List.of(new Value("out_sample", FLOAT, "batch_size", "num_channels", "height", "width")),
                "model.onnx_data");
        Graph vae = new Graph("vae_decoder/model.onnx",
                List.of(new Value("latent_sample", FLOAT, "batch_size", "num_channels_latent", "height_latent", "width_latent")),
                List.of(new Value("sample", FLOAT, "batch_size", "num_channels", "height", "width")), null);
        return new Lcm("fp32", text, unet, vae);
    }
}
