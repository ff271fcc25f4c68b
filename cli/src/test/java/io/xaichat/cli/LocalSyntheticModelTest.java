package io.xaichat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.worker.chat.GgufHeader;
import io.xaichat.worker.chat.ThinkingPrompt;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model {@code xaichat local --synthetic [--synthetic-arch ARCH]} serves. */
class LocalSyntheticModelTest {
    @TempDir
    Path dir;

    @Test
    void qwen2IsTheDefaultAndQwen3IsAvailable() throws IOException {
        assertThat(LocalCommand.DEFAULT_SYNTHETIC_ARCHITECTURE).isEqualTo("qwen2");

        GgufHeader qwen2 = GgufHeader.read(LocalCommand.writeSyntheticModel(dir, "qwen2"));
        GgufHeader qwen3 = GgufHeader.read(LocalCommand.writeSyntheticModel(dir, "qwen3"));

        assertThat(qwen2.architecture()).isEqualTo("qwen2");
        assertThat(qwen3.architecture()).isEqualTo("qwen3");
        assertThat(ThinkingPrompt.forModel(qwen3).modelThinks()).isTrue();
        assertThat(qwen3.contextLength()).contains(4096L);
        assertThat(qwen3.file().getFileName()).hasToString("synthetic-qwen3-tiny.gguf");
    }

    @Test
    void aFileFromAnOlderGeneratorIsReplaced() throws IOException {
        Path stale = Files.writeString(dir.resolve("synthetic-qwen2-tiny.gguf"), "an older generator's output");

        Path file = LocalCommand.writeSyntheticModel(dir, "qwen2");

        assertThat(file).isEqualTo(stale);
        assertThat(GgufHeader.read(file).architecture()).isEqualTo("qwen2");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void anUnknownArchitectureIsRefusedNamingTheFlag() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = XaiChat.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("local", "--synthetic", "--synthetic-arch", "gemma9", "--data-dir",
                dir.toString(), "bulk", "--out", dir.resolve("out.jsonl").toString(),
                dir.resolve("none.jsonl").toString());

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("--synthetic-arch must be one of qwen2, qwen3, got 'gemma9'");
    }
}
