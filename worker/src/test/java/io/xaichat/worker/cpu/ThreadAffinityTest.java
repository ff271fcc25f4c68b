package io.xaichat.worker.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.engine.ChunkSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning through sched_setaffinity, checked in /proc where the kernel keeps each thread's CPUs. */
class ThreadAffinityTest {
    @TempDir
    Path dir;

    private static CpuSet lastAllowedCpu() {
        CpuSet allowed = ThreadAffinity.allowedForProcess();
        return CpuSet.parse(String.valueOf(allowed.last()));
    }

    @Test
    void callPinnedBindsTheThreadAndItsChildrenThenRestores() throws Exception {
        CpuSet before = ThreadAffinity.ofCurrentThread();
        CpuSet one = lastAllowedCpu();
        AtomicReference<CpuSet> child = new AtomicReference<>();

        CpuSet inside = ThreadAffinity.callPinned(one, () -> {
            Thread t = new Thread(() -> child.set(ThreadAffinity.ofCurrentThread()));
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ThreadAffinity.ofCurrentThread();
        });

        assertThat(inside).isEqualTo(one);
        assertThat(child.get()).as("a thread started while pinned inherits the binding").isEqualTo(one);
        assertThat(ThreadAffinity.ofCurrentThread()).isEqualTo(before);
    }

    @Test
    void allowedCpusComeFromTheKernel() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
        assertThat(ThreadAffinity.allowedForProcess().toString()).isEqualTo(line.split(":\\s*")[1].trim());
    }

    @Test
    void aPinnedChatModelComputesOnlyOnItsCpus() throws Exception {
        CpuSet one = lastAllowedCpu();
        List<Long> before = threadsBoundExactlyTo(one);
        ChatEngineConfig config = ChatEngineConfig.defaults(TinyGgufModels.qwen2(dir)).withThreads(1)
                .withContextLength(256).withCpus(one);
        try (LlamaChatEngine engine = new LlamaChatEngine(config)) {
            engine.run(engine.prepare(JobEnvelope.of("j", JobKind.CHAT, "r",
                    ChatRequest.ofPrompt("hello").withMaxTokens(4))), ChunkSink.NONE);
            List<Long> after = threadsBoundExactlyTo(one);
            after.removeAll(before);
            // llama.cpp's server thread (and any OpenMP worker) was started while the loading thread was pinned.
            assertThat(after).as("native threads bound to CPU " + one).isNotEmpty();
        }
        assertThat(ThreadAffinity.ofCurrentThread()).isNotEqualTo(one).as("the test thread itself is not left pinned");
    }

    @Test
    void theLlamaCppEnginesDecodeThreadComputesOnlyOnItsCpus() throws Exception {
        CpuSet one = lastAllowedCpu();
        ChatEngineConfig config = ChatEngineConfig.defaults(TinyGgufModels.qwen2(dir)).withThreads(1)
                .withContextLength(256).withCpus(one).withSlots(2);
        try (LlamaCppChatEngine engine = new LlamaCppChatEngine(config)) {
            engine.run(engine.prepare(JobEnvelope.of("j", JobKind.CHAT, "r",
                    ChatRequest.ofPrompt("hello").withMaxTokens(4))), ChunkSink.NONE);
            // The decode thread calls llama_decode; ggml's worker threads are started by it and inherit its CPUs.
            List<Long> decodeThreads = new ArrayList<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    if (Files.readString(task.resolve("comm")).startsWith("chat-decode")) {
                        decodeThreads.add(Long.parseLong(task.getFileName().toString()));
                    }
                }
            }
            assertThat(decodeThreads).hasSize(1);
            assertThat(threadsBoundExactlyTo(one)).containsAll(decodeThreads);
        }
        assertThat(ThreadAffinity.ofCurrentThread()).isNotEqualTo(one).as("the test thread itself is not left pinned");
    }

    private static List<Long> threadsBoundExactlyTo(CpuSet cpus) throws IOException {
        List<Long> tids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("Cpus_allowed_list:")
                                && CpuSet.parse(line.substring(line.indexOf(':') + 1)).equals(cpus)) {
                            tids.add(Long.parseLong(task.getFileName().toString()));
                        }
                    }
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
        }
        return tids;
    }
}
