package io.xaichat.worker.config;

import static io.xaichat.worker.config.WorkerSettings.*;

import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.ChatEngineKind;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.cpu.CpuTopology;
import io.xaichat.worker.cpu.ThreadAffinity;
import io.xaichat.worker.image.ImageEngineConfig;
import io.xaichat.worker.vision.VisionEngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The engines' settings from the parsed values. Cross-setting problems are added to the values (each naming the
 * flags and variables involved) instead of stopping at the first; null is returned when the engine's settings have
 * any problem.
 */
final class EngineSettings {
    private EngineSettings() {}

    static ChatEngineConfig chat(ConfigValues v) {
        if (!valid(v, MODELS_DIR, CHAT_MODEL, CHAT_MODEL_ID, CHAT_THREADS, CHAT_CPUS, CHAT_CONTEXT, CHAT_BATCH,
                CHAT_MAX_TOKENS, CHAT_MAX_PROMPT_TOKENS, CHAT_ENGINE, CHAT_SLOTS, LLAMA_LIB_DIR)) {
            return null;
        }
        int before = v.problems().size();
        CpuSet cpus = v.get(CHAT_CPUS, CpuSet.none());
        checkAllowed(v, CHAT_CPUS, cpus);
        int threads = v.get(CHAT_THREADS) > 0 ? v.get(CHAT_THREADS)
                : cpus.isEmpty() ? CpuTopology.current().physicalCores() : CpuTopology.current().physicalCores(cpus);
        checkOnePerThread(v, CHAT_THREADS, CHAT_CPUS, cpus, threads);
        int context = v.get(CHAT_CONTEXT);
        int maxPrompt = v.get(CHAT_MAX_PROMPT_TOKENS);
        if (maxPrompt >= context) {
            v.problem(CHAT_MAX_PROMPT_TOKENS, maxPrompt + " is not below " + CHAT_CONTEXT.label() + " " + context
                    + " (0 = context − 1)");
        }
        ChatEngineKind kind = ChatEngineKind.parse(v.get(CHAT_ENGINE));
        Path libDir = v.get(LLAMA_LIB_DIR);
        if (libDir != null && kind == ChatEngineKind.LLAMA_CPP && !Files.isDirectory(libDir)) {
            v.problem(LLAMA_LIB_DIR, libDir.toAbsolutePath() + " is not a directory");
        }
        if (v.problems().size() > before) return null;
        // java-llama.cpp serves one job at a time whatever the slot setting.
        int slots = kind == ChatEngineKind.JAVA_LLAMA_CPP ? 1 : v.get(CHAT_SLOTS);
        String id = v.get(CHAT_MODEL_ID);
        return build(v, () -> new ChatEngineConfig(model(v, CHAT_MODEL, DEFAULT_CHAT_MODEL),
                id == null || id.isBlank() ? null : id.trim(), threads, cpus, context, v.get(CHAT_BATCH),
                v.get(CHAT_MAX_TOKENS), maxPrompt, kind, slots, libDir));
    }

    static VisionEngineConfig vision(ConfigValues v) {
        if (!valid(v, MODELS_DIR, VISION_MODEL, VISION_MODEL_ID, VISION_VARIANT, VISION_THREADS, VISION_CPUS,
                VISION_MIN_PIXELS, VISION_MAX_PIXELS, VISION_MAX_IMAGE_TOKENS, VISION_JOB_MEMORY_MIB, INPUT_DIR,
                VISION_MAX_IMAGE_BYTES, VISION_MAX_IMAGE_PIXELS, VISION_MAX_TOKENS)) {
            return null;
        }
        int before = v.problems().size();
        CpuSet cpus = v.get(VISION_CPUS, CpuSet.none());
        checkAllowed(v, VISION_CPUS, cpus);
        int threads = threads(v.get(VISION_THREADS), cpus);
        Long min = v.get(VISION_MIN_PIXELS);
        Long max = v.get(VISION_MAX_PIXELS);
        if (min != null && max != null && min > max) {
            v.problem(VISION_MIN_PIXELS, min + " is above " + VISION_MAX_PIXELS.label() + " " + max);
        }
        if (v.problems().size() > before) return null;
        String variant = v.get(VISION_VARIANT).trim();
        String suffix = variant.isEmpty() || variant.equals("fp32") ? "" : "_" + variant;
        return build(v, () -> new VisionEngineConfig(v.get(VISION_MODEL_ID), model(v, VISION_MODEL, DEFAULT_VISION_MODEL),
                suffix, threads, cpus, min, max, v.get(INPUT_DIR), v.get(VISION_MAX_IMAGE_BYTES),
                v.get(VISION_MAX_IMAGE_PIXELS), v.get(VISION_MAX_TOKENS), v.get(VISION_MAX_IMAGE_TOKENS),
                v.get(VISION_JOB_MEMORY_MIB) << 20));
    }

    static ImageEngineConfig image(ConfigValues v) {
        if (!valid(v, MODELS_DIR, IMAGE_MODEL, IMAGE_MODEL_ID, IMAGE_THREADS, IMAGE_CPUS, IMAGE_DEFAULT_SIZE,
                IMAGE_MAX_SIZE, OUTPUT_DIR, IMAGE_INLINE_LIMIT)) {
            return null;
        }
        int before = v.problems().size();
        CpuSet cpus = v.get(IMAGE_CPUS, CpuSet.none());
        checkAllowed(v, IMAGE_CPUS, cpus);
        int threads = threads(v.get(IMAGE_THREADS), cpus);
        int size = v.get(IMAGE_DEFAULT_SIZE);
        int max = v.get(IMAGE_MAX_SIZE);
        if (size > max) v.problem(IMAGE_DEFAULT_SIZE, size + " is above " + IMAGE_MAX_SIZE.label() + " " + max);
        if (v.problems().size() > before) return null;
        return build(v, () -> new ImageEngineConfig(v.get(IMAGE_MODEL_ID), model(v, IMAGE_MODEL, DEFAULT_IMAGE_MODEL),
                threads, cpus, size, max, v.get(OUTPUT_DIR), v.get(IMAGE_INLINE_LIMIT)));
    }

    /** 0 = the physical cores, or one thread per pinned CPU (ONNX Runtime pins one thread per CPU). */
    private static int threads(int set, CpuSet cpus) {
        return set > 0 ? set : cpus.isEmpty() ? CpuTopology.current().physicalCores() : cpus.size();
    }

    private static Path model(ConfigValues v, Setting<Path> explicit, String underModelsDir) {
        Path p = v.get(explicit);
        return p != null ? p : v.get(MODELS_DIR).resolve(underModelsDir);
    }

    private static void checkAllowed(ConfigValues v, Setting<CpuSet> setting, CpuSet cpus) {
        if (cpus.isEmpty()) return;
        CpuSet allowed = ThreadAffinity.allowedForProcess();
        List<Integer> missing = cpus.missingFrom(allowed);
        if (!missing.isEmpty()) {
            v.problem(setting, cpus + " names CPUs " + missing + " this process may not run on (allowed: " + allowed + ")");
        }
    }

    private static void checkOnePerThread(ConfigValues v, Setting<Integer> threadsSetting, Setting<CpuSet> cpusSetting,
                                          CpuSet cpus, int threads) {
        if (!cpus.isEmpty() && cpus.size() < threads) {
            v.problem(threadsSetting, threads + " threads need at least one CPU each, but " + cpusSetting.label()
                    + " " + cpus + " has " + cpus.size());
        }
    }

    private static boolean valid(ConfigValues v, Setting<?>... settings) {
        return Stream.of(settings).allMatch(v::valid);
    }

    /** The records check their invariants too; anything they still refuse is reported, not thrown. */
    private static <T> T build(ConfigValues v, java.util.function.Supplier<T> record) {
        try {
            return record.get();
        } catch (IllegalArgumentException e) {
            v.problem(e.getMessage());
            return null;
        }
    }
}
