package io.xaichat.worker.config;

import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.cpu.CpuTopology;
import io.xaichat.worker.vision.VisionEngineConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Vision engine settings as flags with environment defaults. */
public final class VisionOptions {
    public static final String DEFAULT_MODEL = "vision/qwen2-vl-2b-instruct";

    @Option(names = "--vision-model", defaultValue = "${env:XAICHAT_VISION_MODEL}",
            description = "Qwen2-VL ONNX model directory (onnx-community layout). Env XAICHAT_VISION_MODEL. Default: <models-dir>/" + DEFAULT_MODEL + ".")
    Path model;

    @Option(names = "--vision-model-id", defaultValue = "${env:XAICHAT_VISION_MODEL_ID:-qwen2-vl-2b-instruct}",
            description = "Model id reported in results. Env XAICHAT_VISION_MODEL_ID. Default: ${DEFAULT-VALUE}.")
    String modelId;

    @Option(names = "--vision-variant", defaultValue = "${env:XAICHAT_VISION_VARIANT:-q4}",
            description = "Quantization variant of the ONNX files (q4, int8, fp16, q4f16; 'fp32' or empty for none). q4 and int8 keep fp32 activations and run on ONNX Runtime's CPU provider; q4f16's fused fp16 operators may not. Env XAICHAT_VISION_VARIANT. Default: ${DEFAULT-VALUE}.")
    String variant;

    @Option(names = "--vision-threads", defaultValue = "${env:XAICHAT_VISION_THREADS:-0}",
            description = "ONNX Runtime threads; 0 = physical cores (of --vision-cpus when set). Env XAICHAT_VISION_THREADS.")
    int threads;

    @Option(names = "--vision-cpus", defaultValue = "${env:XAICHAT_VISION_CPUS}",
            description = "Pin vision threads to these CPUs (one per thread). Env XAICHAT_VISION_CPUS.")
    String cpus;

    @Option(names = "--vision-min-pixels", defaultValue = "${env:XAICHAT_VISION_MIN_PIXELS}",
            description = "Smallest resized image area. Env XAICHAT_VISION_MIN_PIXELS. Default: the model's preprocessor_config.json.")
    Long minPixels;

    @Option(names = "--vision-max-pixels", defaultValue = "${env:XAICHAT_VISION_MAX_PIXELS}",
            description = "Largest resized image area; visual tokens ≈ max-pixels/784, the main speed lever. Env XAICHAT_VISION_MAX_PIXELS.")
    Long maxPixels;

    @Option(names = "--vision-max-image-tokens", defaultValue = "${env:XAICHAT_VISION_MAX_IMAGE_TOKENS:-1280}",
            description = "The worker's cap on visual tokens per image (28×28 pixels each), applied on top of the model's max_pixels. Env XAICHAT_VISION_MAX_IMAGE_TOKENS. Default: ${DEFAULT-VALUE}.")
    int maxImageTokens;

    @Option(names = "--vision-job-memory-mib", defaultValue = "${env:XAICHAT_VISION_JOB_MEMORY_MIB:-6144}",
            description = "Largest estimated working memory of one vision job in MiB; larger jobs are refused before inference. Env XAICHAT_VISION_JOB_MEMORY_MIB. Default: ${DEFAULT-VALUE}.")
    long jobMemoryMib;

    @Option(names = "--input-dir", defaultValue = "${env:XAICHAT_INPUT_DIR}",
            description = "Directory vision jobs may reference images in by path; unset = inline images only. Env XAICHAT_INPUT_DIR.")
    Path inputDir;

    @Option(names = "--vision-max-image-bytes", defaultValue = "${env:XAICHAT_VISION_MAX_IMAGE_BYTES:-20971520}",
            description = "Largest encoded image. Env XAICHAT_VISION_MAX_IMAGE_BYTES. Default: ${DEFAULT-VALUE}.")
    long maxImageBytes;

    @Option(names = "--vision-max-image-pixels", defaultValue = "${env:XAICHAT_VISION_MAX_IMAGE_PIXELS:-50000000}",
            description = "Largest image width×height, checked in the header before decoding. Env XAICHAT_VISION_MAX_IMAGE_PIXELS. Default: ${DEFAULT-VALUE}.")
    long maxImagePixels;

    @Option(names = "--vision-max-tokens", defaultValue = "${env:XAICHAT_VISION_MAX_TOKENS:-256}",
            description = "max_tokens when a job gives none. Env XAICHAT_VISION_MAX_TOKENS. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    public VisionEngineConfig toConfig(ModelsLocation models) {
        CpuSet pinned = ChatOptions.parseCpus("--vision-cpus/XAICHAT_VISION_CPUS", cpus);
        int n = threads > 0 ? threads : pinned.isEmpty() ? CpuTopology.current().physicalCores() : pinned.size();
        String suffix = variant == null || variant.isBlank() || variant.equals("fp32") ? "" : "_" + variant.trim();
        try {
            return new VisionEngineConfig(modelId, models.resolve(model, DEFAULT_MODEL), suffix, n, pinned, minPixels,
                    maxPixels, inputDir, maxImageBytes, maxImagePixels, maxTokens, maxImageTokens,
                    Math.multiplyExact(jobMemoryMib, 1L << 20));
        } catch (ArithmeticException e) {
            throw new ConfigException("--vision-job-memory-mib/XAICHAT_VISION_JOB_MEMORY_MIB is too large: " + jobMemoryMib);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
