package io.xaichat.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.vision.QwenVlEngine;
import io.xaichat.worker.vision.VisionEngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * One vision job in a JVM of its own, so its peak resident set is its own:
 * {@code VisionJobProcess MODEL_DIR WIDTH HEIGHT MAX_IMAGE_TOKENS THREADS}. Loads the engine, resets the kernel's
 * peak-RSS counter ({@code /proc/self/clear_refs}), runs one job on a photo-like JPEG of the given size, and prints
 * {@code RESULT} with the RSS after load, the peak during the job, the worker's estimate and the timings — or,
 * when the engine refuses the job, how long the refusal took.
 */
public final class VisionJobProcess {
    static final String QUESTION = "What is in this picture?";
    static final int MAX_TOKENS = 4;

    private VisionJobProcess() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        int cap = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        byte[] jpeg = SyntheticImages.jpeg(SyntheticImages.photoLike(width, height, 5));
        ObjectNode request = Json.MAPPER.createObjectNode().put("question", QUESTION).put("max_tokens", MAX_TOKENS);
        request.putObject("image").put("base64", Base64.getEncoder().encodeToString(jpeg));
        JobEnvelope job = JobEnvelope.of("rss", JobKind.VISION, "replies", request);
        try (QwenVlEngine engine = QwenVlEngine.load(VisionEngineConfig.of("synthetic", model)
                .withThreads(threads, CpuSet.none()).withImageTokenCap(cap, VisionEngineConfig.DEFAULT_JOB_MEMORY_LIMIT))) {
            long estimate = engine.estimateBytes(width, height, QUESTION, MAX_TOKENS);
            // Warm up what a running worker has warm (image codecs, tokenizer, JIT), so the timing is the job's.
            ObjectNode warm = request.deepCopy();
            warm.putObject("image").put("base64", Base64.getEncoder().encodeToString(
                    SyntheticImages.jpeg(SyntheticImages.photoLike(64, 64, 1))));
            engine.prepare(JobEnvelope.of("warm", JobKind.VISION, "replies", warm));
            System.gc();
            long loaded = MemoryBench.status(ProcessHandle.current().pid()).getOrDefault("VmRSS", 0L);
            Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // VmHWM := VmRSS
            long start = System.nanoTime();
            try {
                var prepared = engine.prepare(job);
                long prepareMs = (System.nanoTime() - start) / 1_000_000;
                engine.run(prepared, ChunkSink.NONE);
                long totalMs = (System.nanoTime() - start) / 1_000_000;
                Map<String, Long> s = MemoryBench.status(ProcessHandle.current().pid());
                System.out.printf(Locale.ROOT, "RESULT ok loaded_kib=%d peak_kib=%d estimate_bytes=%d resized=%s "
                                + "prepare_ms=%d total_ms=%d inferences=%d%n", loaded, s.getOrDefault("VmHWM", 0L),
                        estimate, prepared.cacheMaterial().get("resized").asText(), prepareMs, totalMs,
                        engine.inferenceCount());
            } catch (JobFailure refused) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                System.out.printf(Locale.ROOT, "RESULT refused ms=%d estimate_bytes=%d inferences=%d code=%s message=%s%n",
                        ms, estimate, engine.inferenceCount(), refused.code(), refused.getMessage());
            }
        }
        System.exit(0);
    }
}
