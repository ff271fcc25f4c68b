package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsSizeShortestAndLongestEdgeAsThePixelRange() throws Exception {
        // Newer preprocessor_config.json files carry the range only as size.{shortest_edge,longest_edge} (areas).
        Files.writeString(dir.resolve("preprocessor_config.json"),
                "{\"size\": {\"shortest_edge\": 6272, \"longest_edge\": 200704}, \"patch_size\": 14, \"merge_size\": 2}");
        QwenVlImageProcessor.Settings s = PreprocessorConfig.read(dir, null, null, 1280);
        assertThat(s.minPixels()).isEqualTo(6272);
        assertThat(s.maxPixels()).isEqualTo(200704);
    }

    @Test
    void topLevelPixelsWinAndTheTokenCapAppliesOnTop() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"min_pixels\": 3136, \"max_pixels\": 12845056, "
                + "\"size\": {\"shortest_edge\": 1, \"longest_edge\": 2}}");
        assertThat(PreprocessorConfig.read(dir, null, null, 1280).maxPixels()).isEqualTo(1280L * 784);
        assertThat(PreprocessorConfig.read(dir, null, null, 16384).maxPixels()).isEqualTo(12845056);
        assertThat(PreprocessorConfig.read(dir, null, 28L * 28 * 4, 1280).maxPixels()).isEqualTo(28L * 28 * 4);
        assertThat(PreprocessorConfig.read(dir, null, null, 2).minPixels()).as("min never above max").isEqualTo(1568);
    }
}
