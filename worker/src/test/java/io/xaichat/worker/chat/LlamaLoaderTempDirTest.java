package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * java-llama.cpp 4.2.0 deletes every file whose name starts with {@code llama} or {@code jllama} in its temp
 * directory on its first load in a process. A worker gives it a private one, so a user's files in
 * {@code java.io.tmpdir} survive. A child JVM, because the loader runs once per process (this test JVM's engines
 * have loaded it already).
 */
@ExtendWith(KafkaExtension.class)
class LlamaLoaderTempDirTest {
    @TempDir
    Path dir;

    @Test
    void filesNamedLikeOldNativeLibsInTheTempDirSurviveAWorkerStart(KafkaHandle kafka) throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path notes = Files.writeString(tmp.resolve("llama-notes"), "keep me");
        Path other = Files.writeString(tmp.resolve("jllama.log"), "and me");

        try (WorkerProcess worker = WorkerProcess.chat("tmpdir", TinyGgufModels.qwen2(dir), dir)
                .bootstrap(kafka.bootstrapServers()).prefix(Names.unique("tmpdir"))
                .jvmOption("-Djava.io.tmpdir=" + tmp)
                .env("XAICHAT_CHAT_ENGINE", "java-llama-cpp") // the hazard is java-llama.cpp's own loader
                .start()) {
            worker.awaitReady(Duration.ofSeconds(90)); // the engine, and with it the loader, is up
            worker.terminate();
            assertThat(worker.awaitExit(Duration.ofSeconds(60))).as(worker.tail()).isZero();
            assertThat(worker.output()).doesNotContain("Failed to delete");
        }

        assertThat(notes).exists().hasContent("keep me");
        assertThat(other).exists().hasContent("and me");
        try (Stream<Path> left = Files.list(tmp)) {
            // The private directory is removed on exit; the extracted library's directory is kept for reuse.
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("xaichat-jllama-tmp-"));
        }
    }
}
