package io.xaichat.worker.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the model's {@code preprocessor_config.json} (optional) into processor settings. */
final class PreprocessorConfig {
    private PreprocessorConfig() {}

    /**
     * Settings from the file, falling back to Qwen2-VL's defaults; {@code minPixels}/{@code maxPixels}, when not
     * null, override the file (the operator's speed/quality choice). Whatever they say, the resized area is capped
     * at {@code maxImageTokens} merged windows: Qwen/Qwen2-VL-2B-Instruct's published file has max_pixels 12845056
     * (16,384 tokens), so without this cap a phone photo would reach the vision encoder at full size.
     */
    static QwenVlImageProcessor.Settings read(Path modelDir, Long minPixels, Long maxPixels, int maxImageTokens)
            throws IOException {
        QwenVlImageProcessor.Settings d = QwenVlImageProcessor.Settings.defaults();
        Path file = modelDir.resolve("preprocessor_config.json");
        JsonNode c = Files.isRegularFile(file) ? Json.tree(Files.readAllBytes(file)) : Json.MAPPER.createObjectNode();
        // transformers' Qwen2VLImageProcessor: top-level min_pixels/max_pixels win; otherwise size.shortest_edge and
        // size.longest_edge, which despite their names are pixel areas (min and max), as newer files write them.
        JsonNode size = c.path("size");
        long min = c.path("min_pixels").asLong(size.path("shortest_edge").asLong(size.path("min_pixels").asLong(d.minPixels())));
        long max = c.path("max_pixels").asLong(size.path("longest_edge").asLong(size.path("max_pixels").asLong(d.maxPixels())));
        int patch = c.path("patch_size").asInt(d.patchSize());
        int merge = c.path("merge_size").asInt(d.mergeSize());
        long window = (long) patch * merge * patch * merge;
        long cap = Math.multiplyExact(window, maxImageTokens);
        long effectiveMax = Math.min(maxPixels != null ? maxPixels : max, cap);
        long effectiveMin = Math.min(minPixels != null ? minPixels : min, effectiveMax);
        return new QwenVlImageProcessor.Settings(effectiveMin, effectiveMax, patch, merge,
                c.path("temporal_patch_size").asInt(d.temporalPatchSize()),
                floats(c.path("image_mean"), d.mean()),
                floats(c.path("image_std"), d.std()));
    }

    private static float[] floats(JsonNode node, float[] fallback) {
        if (!node.isArray() || node.size() != 3) return fallback;
        return new float[] {(float) node.get(0).asDouble(), (float) node.get(1).asDouble(), (float) node.get(2).asDouble()};
    }
}
