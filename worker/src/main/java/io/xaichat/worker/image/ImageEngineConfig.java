package io.xaichat.worker.image;

import io.xaichat.worker.cpu.CpuSet;
import java.nio.file.Path;

/**
 * Where the LCM model lives and what requests it accepts.
 *
 * @param modelId reported in results and part of the cache key
 * @param modelDir holds {@code text_encoder/model.onnx}, {@code unet/model.onnx}, {@code vae_decoder/model.onnx} and
 *     {@code tokenizer/} ({@code vocab.json}, {@code merges.txt})
 * @param threads ONNX Runtime intra-op threads
 * @param cpus CPUs to pin those threads to; empty for no pinning
 * @param defaultSize width and height when the request gives none (a multiple of 64)
 * @param maxSize largest width or height accepted (a multiple of 64)
 * @param outputDir where PNGs larger than {@code inlineLimitBytes} are written; null to always inline them
 * @param inlineLimitBytes largest PNG returned inline as base64
 */
public record ImageEngineConfig(String modelId, Path modelDir, int threads, CpuSet cpus, int defaultSize, int maxSize,
                                Path outputDir, int inlineLimitBytes) {
    public static final int MIN_SIZE = 64;
    /**
     * Accepted sizes are multiples of 64: an exported SD 1.5 UNet down-samples the 1/8 latent three times and its
     * up-sampling output sizes are fixed when the graph is traced, so other sizes fail inside the graph.
     */
    public static final int SIZE_STEP = 64;
    public static final int DEFAULT_SIZE = 512;
    public static final int MAX_SIZE = 1024;
    /** Leaves room under Kafka's default 1 MB record limit once base64 adds a third. */
    public static final int DEFAULT_INLINE_LIMIT = 700 * 1024;

    public ImageEngineConfig {
        if (threads < 1) throw new IllegalArgumentException("image engine threads must be ≥ 1, got " + threads);
        requireSize("maxSize", maxSize, MIN_SIZE, Integer.MAX_VALUE);
        requireSize("defaultSize", defaultSize, MIN_SIZE, maxSize);
        if (inlineLimitBytes < 0) {
            throw new IllegalArgumentException("inline limit must be ≥ 0 bytes, got " + inlineLimitBytes);
        }
    }

    /** The usual settings: 512 px default, 1024 px max, 700 KiB inline limit, not pinned. */
    public static ImageEngineConfig of(String modelId, Path modelDir, int threads, Path outputDir) {
        return new ImageEngineConfig(modelId, modelDir, threads, CpuSet.none(), DEFAULT_SIZE, MAX_SIZE, outputDir,
                DEFAULT_INLINE_LIMIT);
    }

    public ImageEngineConfig withSizes(int newDefaultSize, int newMaxSize) {
        return new ImageEngineConfig(modelId, modelDir, threads, cpus, newDefaultSize, newMaxSize, outputDir,
                inlineLimitBytes);
    }

    public ImageEngineConfig withInlineLimit(int bytes) {
        return new ImageEngineConfig(modelId, modelDir, threads, cpus, defaultSize, maxSize, outputDir, bytes);
    }

    public Path textEncoder() {
        return modelDir.resolve("text_encoder").resolve("model.onnx");
    }

    public Path unet() {
        return modelDir.resolve("unet").resolve("model.onnx");
    }

    public Path vaeDecoder() {
        return modelDir.resolve("vae_decoder").resolve("model.onnx");
    }

    public Path tokenizer() {
        return modelDir.resolve("tokenizer");
    }

    private static void requireSize(String name, int value, int min, int max) {
        if (value < min || value > max || value % SIZE_STEP != 0) {
            throw new IllegalArgumentException("image " + name + " must be a multiple of " + SIZE_STEP + " between " + min + " and "
                    + max + ", got " + value);
        }
    }
}
