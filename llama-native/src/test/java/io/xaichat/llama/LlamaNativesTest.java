package io.xaichat.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaNativesTest {

    @Test
    void theBundledLibrariesLoadWithACpuBackend() {
        LlamaNatives natives = LlamaNatives.load(null);
        assertThat(natives.ggml().ggml_backend_dev_count()).isPositive();
        assertThat(natives.llama().llama_print_system_info()).isNotBlank();
        assertThat(natives.directory().resolve(NativeFiles.LLAMA)).isRegularFile();
        assertThat(LlamaNatives.load(null)).isSameAs(natives);
    }

    @Test
    void theBuildRecordsTheArchitecturesAndTheJsonGrammar() {
        assertThat(LlamaBuild.architectures()).contains("qwen2", "qwen3", "llama").doesNotContain("");
        assertThat(LlamaBuild.jsonGrammar()).contains("root");
        assertThat(LlamaBuild.nodeLlamaCppVersion()).isEqualTo("3.22.1");
    }

    @Test
    void aMissingLibraryIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> LlamaNatives.load(dir))
                .isInstanceOf(NativeLibraryException.class)
                .hasMessageContaining("not found: " + dir.resolve(NativeFiles.LLAMA).toAbsolutePath());
    }

    @Test
    void aFileThatIsNotALibraryIsNamed(@TempDir Path dir) throws Exception {
        Path bundled = NativeFiles.extracted();
        for (String name : new String[] {NativeFiles.GGML, NativeFiles.GGML_BASE}) {
            Files.copy(bundled.resolve(name), dir.resolve(name));
        }
        Files.writeString(dir.resolve(NativeFiles.LLAMA), "not a library");
        assertThatThrownBy(() -> LlamaNatives.load(dir))
                .isInstanceOf(NativeLibraryException.class)
                .hasMessageContaining(dir.resolve(NativeFiles.LLAMA).toAbsolutePath() + " is not usable")
                .hasMessageContaining("not an ELF shared library");
    }

    @Test
    void aDamagedExtractedCopyIsRewritten() throws Exception {
        Path dir = NativeFiles.extracted();
        Path base = dir.resolve(NativeFiles.GGML_BASE);
        byte[] good = Files.readAllBytes(base);
        // Only corrupt a copy that is not mapped yet in this JVM would be ideal; rewriting in place keeps the inode
        // the loader mapped, so write the damage through a new file and let extraction replace it.
        Path damaged = Files.createTempFile(dir, "damaged", ".tmp");
        Files.write(damaged, new byte[good.length]);
        Files.move(damaged, base, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(NativeFiles.extracted()).isEqualTo(dir);
        assertThat(Files.readAllBytes(base)).isEqualTo(good);
    }
}
