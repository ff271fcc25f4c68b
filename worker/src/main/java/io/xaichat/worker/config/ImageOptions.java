package io.xaichat.worker.config;

import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.cpu.CpuTopology;
import io.xaichat.worker.image.ImageEngineConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Text-to-image engine settings as flags with environment defaults. */
public final class ImageOptions {
    public static final String DEFAULT_MODEL = "image/lcm-dreamshaper-v7";

    @Option(names = "--image-model", defaultValue = "${env:XAICHAT_IMAGE_MODEL}",
            description = "LCM ONNX model directory (text_encoder/, unet/, vae_decoder/, tokenizer/). Env XAICHAT_IMAGE_MODEL. Default: <models-dir>/" + DEFAULT_MODEL + ".")
    Path model;

    @Option(names = "--image-model-id", defaultValue = "${env:XAICHAT_IMAGE_MODEL_ID:-lcm-dreamshaper-v7}",
            description = "Model id reported in results. Env XAICHAT_IMAGE_MODEL_ID. Default: ${DEFAULT-VALUE}.")
    String modelId;

    @Option(names = "--image-threads", defaultValue = "${env:XAICHAT_IMAGE_THREADS:-0}",
            description = "ONNX Runtime threads; 0 = physical cores (of --image-cpus when set). Env XAICHAT_IMAGE_THREADS.")
    int threads;

    @Option(names = "--image-cpus", defaultValue = "${env:XAICHAT_IMAGE_CPUS}",
            description = "Pin image threads to these CPUs (one per thread). Env XAICHAT_IMAGE_CPUS.")
    String cpus;

    @Option(names = "--image-default-size", defaultValue = "${env:XAICHAT_IMAGE_DEFAULT_SIZE:-512}",
            description = "Width and height when a job gives none. Env XAICHAT_IMAGE_DEFAULT_SIZE. Default: ${DEFAULT-VALUE}.")
    int defaultSize;

    @Option(names = "--image-max-size", defaultValue = "${env:XAICHAT_IMAGE_MAX_SIZE:-1024}",
            description = "Largest width or height accepted. Env XAICHAT_IMAGE_MAX_SIZE. Default: ${DEFAULT-VALUE}.")
    int maxSize;

    @Option(names = "--output-dir", defaultValue = "${env:XAICHAT_OUTPUT_DIR}",
            description = "Where PNGs above the inline limit are written (the result then carries a path). Env XAICHAT_OUTPUT_DIR.")
    Path outputDir;

    @Option(names = "--image-inline-limit", defaultValue = "${env:XAICHAT_IMAGE_INLINE_LIMIT:-716800}",
            description = "Largest PNG (bytes) returned inline as base64. Env XAICHAT_IMAGE_INLINE_LIMIT. Default: ${DEFAULT-VALUE}.")
    int inlineLimit;

    public ImageEngineConfig toConfig(ModelsLocation models) {
        CpuSet pinned = ChatOptions.parseCpus("--image-cpus/XAICHAT_IMAGE_CPUS", cpus);
        int n = threads > 0 ? threads : pinned.isEmpty() ? CpuTopology.current().physicalCores() : pinned.size();
        try {
            return new ImageEngineConfig(modelId, models.resolve(model, DEFAULT_MODEL), n, pinned, defaultSize, maxSize,
                    outputDir, inlineLimit);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
