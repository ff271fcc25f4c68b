package io.xaichat.worker.vision;

/**
 * Estimates the working memory of one vision job beyond the resident model, from the image's patch count and the
 * prompt length, so that a job that cannot fit is refused before any inference. The terms follow what the
 * exported graphs compute in float32:
 * <ul>
 *   <li>vision encoder: full attention over all patches of the image — heads × patches² scores, held twice
 *       (scores and softmax) — plus the per-patch activations (width × (mlp_ratio + 6)) and the pixel rows;</li>
 *   <li>decoder prefill: attention heads × seq² (twice), the MLP's seq × intermediate (three live), the
 *       logits (one row when the graph takes {@code num_logits_to_keep}, else seq rows of the vocabulary), the
 *       prompt embeddings and the KV cache for prompt plus output (past and present both alive during a step).</li>
 * </ul>
 * The phases do not overlap; the image features survive from one to the other. Before both, the decoded image
 * lives on the Java heap: 4 bytes per pixel as a BufferedImage plus 12 as interleaved RGB ints for the resampler.
 * A fixed slack covers what does not scale with the image: JVM heap growth, decoder buffers, tensor copies — sized
 * from the measured peaks of figure 7 in BENCHMARKS.md, where without it the estimate fell 3–18% short.
 */
public final class VisionJobMemory {
    private static final int FLOAT = 4;
    private static final int PATCH_ROW = 3 * 2 * 14 * 14;
    static final long SLACK = 320L << 20;

    private final QwenVlModelConfig model;
    private final long cacheBytesPerToken;
    private final boolean lastLogitsOnly;

    /**
     * @param cacheBytesPerToken the decoder's KV cache bytes per token over all layers
     * @param lastLogitsOnly whether the decoder computes logits for the last position only
     */
    public VisionJobMemory(QwenVlModelConfig model, long cacheBytesPerToken, boolean lastLogitsOnly) {
        this.model = model;
        this.cacheBytesPerToken = cacheBytesPerToken;
        this.lastLogitsOnly = lastLogitsOnly;
    }

    /**
     * The estimate in bytes for an image of {@code imagePixels} (width × height as sent) resized to
     * {@code patches} patches, and a prompt of {@code promptTokens}.
     */
    public long bytes(long imagePixels, long patches, long promptTokens, long maxTokens) {
        long decoded = imagePixels * (4 + 12);
        long vision = 2 * model.visionHeads() * patches * patches * FLOAT
                + (long) (patches * model.visionWidth() * (model.visionMlpRatio() + 6) * FLOAT)
                + 2 * patches * PATCH_ROW * FLOAT;
        long features = patches / 4 * model.textHidden() * FLOAT;
        long s = promptTokens;
        long decoder = 2 * model.textHeads() * s * s * FLOAT
                + 3 * s * model.textIntermediate() * FLOAT
                + (lastLogitsOnly ? 1 : s) * model.vocab() * FLOAT
                + 3 * s * model.textHidden() * FLOAT
                + 2 * cacheBytesPerToken * (s + maxTokens);
        return SLACK + decoded + Math.max(vision, decoder) + features;
    }
}
