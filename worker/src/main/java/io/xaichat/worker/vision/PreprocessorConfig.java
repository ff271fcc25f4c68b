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
     * null, override the file (the operator's speed/quality choice).
     */
    static QwenVlImageProcessor.Settings read(Path modelDir, Long minPixels, Long maxPixels) throws IOException {
        QwenVlImageProcessor.Settings d = QwenVlImageProcessor.Settings.defaults();
        Path file = modelDir.resolve("preprocessor_config.json");
        JsonNode c = Files.isRegularFile(file) ? Json.tree(Files.readAllBytes(file)) : Json.MAPPER.createObjectNode();
        // Older files have min_pixels/max_pixels at the top, newer ones also under "size".
        long min = c.path("min_pixels").asLong(c.path("size").path("min_pixels").asLong(d.minPixels()));
        long max = c.path("max_pixels").asLong(c.path("size").path("max_pixels").asLong(d.maxPixels()));
        return new QwenVlImageProcessor.Settings(
                minPixels != null ? minPixels : min,
                maxPixels != null ? maxPixels : max,
                c.path("patch_size").asInt(d.patchSize()),
                c.path("merge_size").asInt(d.mergeSize()),
                c.path("temporal_patch_size").asInt(d.temporalPatchSize()),
                floats(c.path("image_mean"), d.mean()),
                floats(c.path("image_std"), d.std()));
    }

    private static float[] floats(JsonNode node, float[] fallback) {
        if (!node.isArray() || node.size() != 3) return fallback;
        return new float[] {(float) node.get(0).asDouble(), (float) node.get(1).asDouble(), (float) node.get(2).asDouble()};
    }
}
