package io.xaichat.bench;

import io.xaichat.worker.gguf.GgufWriter.TensorType;
import io.xaichat.worker.gguf.ModelSpec;
import io.xaichat.worker.gguf.SyntheticChatModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Synthetic GGUF chat models (random weights, real dimensions, so they run at real speed) written once into a cache
 * directory and reused by later runs. A file is written under a temporary name and moved into place, so an
 * interrupted generation never leaves a truncated model behind.
 */
public final class ModelCache {
    private final Path dir;

    public ModelCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $XAICHAT_BENCH_MODELS}, else {@code ~/.cache/xaichat-bench}. */
    public static Path defaultDir() {
        String env = System.getenv("XAICHAT_BENCH_MODELS");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "xaichat-bench");
    }

    public Path dir() {
        return dir;
    }

    /** Qwen2.5-1.5B dimensions with the given matrix type. */
    public Path qwen25(TensorType type) {
        return model("qwen2.5-1.5b", ModelSpec.qwen25_1_5b(type));
    }

    /** Qwen3-1.7B dimensions (architecture qwen3: q/k norms, tied embeddings) with the given matrix type. */
    public Path qwen3(TensorType type) {
        return model("qwen3-1.7b", ModelSpec.qwen3_1_7b(type));
    }

    /** A model of a few hundred KB: for measuring everything but the engine. */
    public Path tiny() {
        return model("tiny-qwen2", ModelSpec.tiny("qwen2"));
    }

    /** "qwen2.5-1.5b-synthetic-v2-q4_0.gguf": the generator version keeps files of an older generator out. */
    static String fileName(String base, ModelSpec spec) {
        return base + "-synthetic-v" + SyntheticChatModels.GENERATOR_VERSION + "-"
                + spec.matrixType().name().toLowerCase(Locale.ROOT) + ".gguf";
    }

    private Path model(String base, ModelSpec spec) {
        String name = fileName(base, spec);
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) return file;
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".part");
            long start = System.nanoTime();
            System.err.printf(Locale.ROOT, "bench: writing synthetic model %s (once; reused by later runs)%n", file);
            SyntheticChatModels.write(spec, tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            System.err.printf(Locale.ROOT, "bench: %s written in %.1f s (%d MB)%n", name,
                    (System.nanoTime() - start) / 1e9, Files.size(file) >> 20);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic model " + file, e);
        }
    }

    /** "qwen2.5-1.5b-synthetic-v2-q4_0.gguf (832 MiB)". */
    public static String describe(Path model) {
        try {
            return model.getFileName() + " (" + (Files.size(model) >> 20) + " MiB)";
        } catch (IOException e) {
            return model.getFileName().toString();
        }
    }
}
