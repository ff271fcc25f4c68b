package io.xaichat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.worker.gguf.GgufWriter.TensorType;
import io.xaichat.worker.gguf.ModelSpec;
import io.xaichat.worker.gguf.SyntheticChatModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
    @TempDir
    Path dir;

    @Test
    void fileNamesCarryTheGeneratorVersionAndTheMatrixType() {
        assertThat(ModelCache.fileName("qwen3-1.7b", ModelSpec.qwen3_1_7b(TensorType.Q8_0)))
                .isEqualTo("qwen3-1.7b-synthetic-v" + SyntheticChatModels.GENERATOR_VERSION + "-q8_0.gguf");
        assertThat(SyntheticChatModels.GENERATOR_VERSION).isGreaterThan(1); // 1 wrote uniform ±0.4 weights
    }

    @Test
    void aModelIsWrittenOnceAndReused() throws IOException {
        ModelCache cache = new ModelCache(dir);
        Path first = cache.tiny();
        FileTime written = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(first, written);

        Path again = cache.tiny();

        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(again)).isEqualTo(written);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(first);
        }
    }
}
