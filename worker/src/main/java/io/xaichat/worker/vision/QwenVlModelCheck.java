package io.xaichat.worker.vision;

import io.xaichat.schema.Json;
import io.xaichat.worker.onnx.DecoderSignature;
import io.xaichat.worker.onnx.HfTokenizer;
import io.xaichat.worker.onnx.OnnxGraphFile;
import io.xaichat.worker.onnx.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a Qwen2-VL model directory in the onnx-community layout against what {@link QwenVlEngine} feeds, without
 * loading weights: the three graphs exist with their external data files, declare the inputs and outputs the engine
 * uses, and the tokenizer and configs read. The engine runs it before opening sessions; {@code xaichat models
 * check vision} prints it.
 */
public final class QwenVlModelCheck {
    public static final List<String> GRAPHS = List.of("vision_encoder", "embed_tokens", "decoder_model_merged");
    private static final int PATCH_ROW = 3 * 2 * 14 * 14;

    /**
     * @param lines what was found and what the engine will feed
     * @param problems what stops the engine from loading (empty when it would load)
     * @param warnings what may fail at run time or is not advised
     * @param files every file the model consists of, external data included (for the model digest)
     */
    public record Report(List<String> lines, List<String> problems, List<String> warnings, List<Path> files) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private QwenVlModelCheck() {}

    /** Inspects {@code modelDir} for the ONNX files of {@code variant} ("" or "_q4", "_fp16", ...). */
    public static Report inspect(Path modelDir, String variant) {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        String variantName = variant.isEmpty() ? "fp32" : variant.substring(1);
        for (String name : GRAPHS) {
            Path file = modelDir.resolve("onnx").resolve(name + variant + ".onnx");
            if (!Files.isRegularFile(file)) {
                problems.add("missing " + file + " (variant " + variantName
                        + "): run `xaichat models pull vision --variant " + variantName + "`");
                continue;
            }
            files.add(file);
            OnnxGraphFile graph;
            try {
                graph = OnnxGraphFile.read(file);
            } catch (IOException e) {
                problems.add(e.getMessage());
                continue;
            }
            lines.add(modelDir.relativize(file) + ":");
            for (String data : graph.externalData()) {
                Path path = file.resolveSibling(data);
                boolean present = Files.isRegularFile(path);
                if (present) files.add(path);
                lines.add("  external data " + data + (present ? " (present)" : " (MISSING)"));
            }
            for (Path missing : graph.missingExternalData()) {
                problems.add(modelDir.relativize(file) + " keeps its weights in " + missing.getFileName()
                        + ", which is missing next to it: run `xaichat models pull vision --variant " + variantName
                        + "` (the manifest lists every part)");
            }
            fusedFloat16(graph, modelDir.relativize(file).toString(), warnings);
            switch (name) {
                case "vision_encoder" -> visionEncoder(graph, lines, problems);
                case "embed_tokens" -> embedTokens(graph, lines, problems);
                default -> decoder(graph, lines, problems);
            }
        }
        configs(modelDir, lines, problems, files);
        return new Report(lines, problems, warnings, files);
    }

    private static void visionEncoder(OnnxGraphFile g, List<String> lines, List<String> problems) {
        TensorSpec pixels = g.inputs().get("pixel_values");
        TensorSpec grid = g.inputs().get("grid_thw");
        requireInputs(g, Set.of("pixel_values", "grid_thw"), "vision_encoder", problems);
        if (pixels != null) {
            if (pixels.rank() != 2 || (pixels.fixed(1) > 0 && pixels.fixed(1) != PATCH_ROW)
                    || !Set.of("FLOAT", "FLOAT16").contains(pixels.type())) {
                problems.add("vision_encoder input " + pixels + " must be FLOAT or FLOAT16 [patches, " + PATCH_ROW + "]");
            }
            lines.add("  feeds " + pixels + ": normalised patches, one row of 3×2×14×14 values per patch");
        }
        if (grid != null) {
            if (grid.rank() != 2 || !"INT64".equals(grid.type())) problems.add("vision_encoder input " + grid + " must be INT64 [images, 3]");
            lines.add("  feeds " + grid + ": [[1, grid_h, grid_w]]");
        }
        if (g.outputs().isEmpty()) problems.add("vision_encoder declares no output");
        else lines.add("  reads " + g.outputs().values().iterator().next() + ": one row per merged 2×2 window");
    }

    private static void embedTokens(OnnxGraphFile g, List<String> lines, List<String> problems) {
        requireInputs(g, Set.of("input_ids"), "embed_tokens", problems);
        TensorSpec ids = g.inputs().get("input_ids");
        if (ids != null) {
            if (ids.rank() != 2 || !"INT64".equals(ids.type())) problems.add("embed_tokens input " + ids + " must be INT64 [batch, seq]");
            lines.add("  feeds " + ids + ": the prompt's token ids, then one generated id per step");
        }
        if (g.outputs().isEmpty()) problems.add("embed_tokens declares no output");
        else lines.add("  reads " + g.outputs().values().iterator().next());
    }

    private static void decoder(OnnxGraphFile g, List<String> lines, List<String> problems) {
        try {
            DecoderSignature s = DecoderSignature.of(g.inputs(), g.outputs().keySet());
            if (!s.takesEmbeddings() || s.positionRows() != 3) {
                problems.add("decoder_model_merged must take inputs_embeds and 3-row M-RoPE position_ids; it takes "
                        + (s.takesEmbeddings() ? "embeddings" : "token ids") + " and " + s.positionRows() + " position rows");
            }
            for (String feed : s.feeds()) lines.add("  feeds " + feed);
            lines.add("  reads logits " + g.outputs().get("logits") + " (last row), present.* as the next step's cache");
        } catch (IllegalArgumentException e) {
            problems.add("decoder_model_merged: " + e.getMessage());
        }
    }

    private static void requireInputs(OnnxGraphFile g, Set<String> expected, String what, List<String> problems) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(g.inputs().keySet());
        Set<String> unknown = new TreeSet<>(g.inputs().keySet());
        unknown.removeAll(expected);
        if (!missing.isEmpty()) problems.add(what + " lacks the inputs " + missing + "; it declares " + g.inputs().keySet());
        if (!unknown.isEmpty()) problems.add(what + " declares inputs the engine does not feed: " + unknown);
    }

    /**
     * q4f16 exports fuse float16 work into com.microsoft operators (MatMulNBits, SkipSimplifiedLayerNormalization,
     * ...), not all of which ONNX Runtime's CPU provider implements for float16.
     */
    private static void fusedFloat16(OnnxGraphFile g, String file, List<String> warnings) {
        if (!g.float16Tensors()) return;
        Set<String> fused = new TreeSet<>();
        for (String op : g.operators()) if (op.startsWith("com.microsoft:")) fused.add(op.substring("com.microsoft:".length()));
        if (!fused.isEmpty()) {
            warnings.add(file + " runs float16 tensors through fused com.microsoft operators " + fused
                    + "; ONNX Runtime's CPU provider may have no float16 kernel for them: prefer variant q4 or int8");
        }
    }

    private static void configs(Path dir, List<String> lines, List<String> problems, List<Path> files) {
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            problems.add("missing tokenizer.json: run `xaichat models pull vision`");
        } else {
            files.add(tokenizerJson);
            try (HfTokenizer t = HfTokenizer.load(tokenizerJson)) {
                new ChatMlPrompt(t); // requires the template's special tokens
                lines.add("tokenizer.json: loads; <|image_pad|> = " + t.requireTokenId("<|image_pad|>"));
            } catch (IOException | RuntimeException e) {
                problems.add("tokenizer.json does not load: " + e.getMessage());
            }
        }
        for (String name : List.of("config.json", "preprocessor_config.json", "generation_config.json")) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                lines.add(name + ": absent (Qwen2-VL-2B defaults apply)");
                continue;
            }
            files.add(file);
            try {
                Map<?, ?> parsed = Json.MAPPER.readValue(Files.readAllBytes(file), Map.class);
                lines.add(name + ": readable (" + parsed.size() + " keys)");
            } catch (IOException | RuntimeException e) {
                problems.add(name + " is not valid JSON: " + e.getMessage());
            }
        }
    }
}
