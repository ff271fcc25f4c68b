package io.xaichat.worker.vision;

import io.xaichat.worker.cpu.CpuSet;
import java.nio.file.Path;

/**
 * Settings of the Qwen2-VL vision engine.
 *
 * @param modelDir directory in the onnx-community layout: {@code onnx/vision_encoder{variant}.onnx},
 *     {@code onnx/embed_tokens{variant}.onnx}, {@code onnx/decoder_model_merged{variant}.onnx},
 *     {@code tokenizer.json}, optionally {@code preprocessor_config.json} and {@code generation_config.json}
 * @param variant file-name suffix of the ONNX files, e.g. {@code ""}, {@code "_q4f16"}, {@code "_fp16"}
 * @param minPixels smallest resized image area; null for the model's preprocessor_config.json (or 56·56)
 * @param maxPixels largest resized image area — the number of visual tokens is maxPixels / 784 at most, the main
 *     speed lever; null for the model's preprocessor_config.json (or 28·28·1280)
 * @param inputDir directory that {@code image.path} may point into; null to accept inline images only
 * @param maxImageBytes largest encoded image accepted
 * @param maxImagePixels largest image (width × height, read from the header before decoding) accepted
 * @param defaultMaxTokens max_tokens when the request gives none
 * @param maxImageTokens the worker's own cap on visual tokens per image, applied on top of max_pixels: the
 *     published preprocessor_config.json allows 16,384 (max_pixels 12845056), whose vision-encoder attention alone
 *     would need hundreds of GB; 1280 is the transformers default
 * @param jobMemoryLimit largest estimated working memory of one job (bytes) beyond the resident model; a job whose
 *     estimate is larger is refused before any inference
 */
public record VisionEngineConfig(String modelId, Path modelDir, String variant, int threads, CpuSet cpus,
                                 Long minPixels, Long maxPixels, Path inputDir, long maxImageBytes,
                                 long maxImagePixels, int defaultMaxTokens, int maxImageTokens, long jobMemoryLimit) {
    public static final int DEFAULT_MAX_IMAGE_TOKENS = 1280;
    public static final long DEFAULT_JOB_MEMORY_LIMIT = 6L << 30;

    public VisionEngineConfig {
        if (variant == null) variant = "";
        if (cpus == null) cpus = CpuSet.none();
        if (defaultMaxTokens < 1) throw new IllegalArgumentException("default max_tokens must be ≥ 1, got " + defaultMaxTokens);
        if (maxImageTokens < 1) throw new IllegalArgumentException("the visual token cap must be ≥ 1, got " + maxImageTokens);
        if (jobMemoryLimit < 1) throw new IllegalArgumentException("the job memory limit must be ≥ 1 byte, got " + jobMemoryLimit);
    }

    /**
     * Defaults: full-precision files, 1 thread, no pinning, no input directory, 20 MB and 50 Mpixel limits, 1280
     * visual tokens, 6 GiB per job.
     */
    public static VisionEngineConfig of(String modelId, Path modelDir) {
        return new VisionEngineConfig(modelId, modelDir, "", 1, CpuSet.none(), null, null, null,
                20L << 20, 50_000_000L, 256, DEFAULT_MAX_IMAGE_TOKENS, DEFAULT_JOB_MEMORY_LIMIT);
    }

    public VisionEngineConfig withImageTokenCap(int tokens, long memoryLimit) {
        return new VisionEngineConfig(modelId, modelDir, variant, threads, cpus, minPixels, maxPixels, inputDir,
                maxImageBytes, maxImagePixels, defaultMaxTokens, tokens, memoryLimit);
    }

    public VisionEngineConfig withVariant(String v) {
        return new VisionEngineConfig(modelId, modelDir, v, threads, cpus, minPixels, maxPixels, inputDir,
                maxImageBytes, maxImagePixels, defaultMaxTokens, maxImageTokens, jobMemoryLimit);
    }

    public VisionEngineConfig withThreads(int n, CpuSet pinned) {
        return new VisionEngineConfig(modelId, modelDir, variant, n, pinned, minPixels, maxPixels, inputDir,
                maxImageBytes, maxImagePixels, defaultMaxTokens, maxImageTokens, jobMemoryLimit);
    }

    public VisionEngineConfig withPixels(Long min, Long max) {
        return new VisionEngineConfig(modelId, modelDir, variant, threads, cpus, min, max, inputDir,
                maxImageBytes, maxImagePixels, defaultMaxTokens, maxImageTokens, jobMemoryLimit);
    }

    public VisionEngineConfig withInputDir(Path dir) {
        return new VisionEngineConfig(modelId, modelDir, variant, threads, cpus, minPixels, maxPixels, dir,
                maxImageBytes, maxImagePixels, defaultMaxTokens, maxImageTokens, jobMemoryLimit);
    }

    public VisionEngineConfig withLimits(long bytes, long pixels) {
        return new VisionEngineConfig(modelId, modelDir, variant, threads, cpus, minPixels, maxPixels, inputDir,
                bytes, pixels, defaultMaxTokens, maxImageTokens, jobMemoryLimit);
    }

    public VisionEngineConfig withDefaultMaxTokens(int n) {
        return new VisionEngineConfig(modelId, modelDir, variant, threads, cpus, minPixels, maxPixels, inputDir,
                maxImageBytes, maxImagePixels, n, maxImageTokens, jobMemoryLimit);
    }

    /** The variant as the manifest and {@code xaichat models pull --variant} name it: fp32 for no suffix. */
    public String variantName() {
        return variant.isEmpty() ? "fp32" : variant.substring(1);
    }

    Path onnxFile(String name) {
        return modelDir.resolve("onnx").resolve(name + variant + ".onnx");
    }
}
