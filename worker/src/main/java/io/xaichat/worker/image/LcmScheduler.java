package io.xaichat.worker.image;

/**
 * The latent consistency model's multistep sampler (LCM paper, Algorithm 3), with SD 1.5's noise schedule: 1000
 * training steps, {@code scaled_linear} betas from 0.00085 to 0.012, distilled on a 50-step schedule
 * ({@code original_inference_steps}), boundary-condition scalings with {@code timestep_scaling} 10 and
 * {@code sigma_data} 0.5, and epsilon prediction. It follows diffusers' {@code LCMScheduler} formula by formula.
 */
public final class LcmScheduler {
    public static final int TRAIN_STEPS = 1000;
    public static final int ORIGINAL_STEPS = 50;
    public static final int MAX_STEPS = 8;
    private static final double BETA_START = 0.00085;
    private static final double BETA_END = 0.012;
    private static final double TIMESTEP_SCALING = 10.0;
    private static final double SIGMA_DATA = 0.5;

    private final double[] alphasCumprod = new double[TRAIN_STEPS];

    public LcmScheduler() {
        // scaled_linear: betas are linear in sqrt space, then squared.
        double from = Math.sqrt(BETA_START);
        double to = Math.sqrt(BETA_END);
        double product = 1.0;
        for (int t = 0; t < TRAIN_STEPS; t++) {
            double sqrtBeta = from + (to - from) * t / (TRAIN_STEPS - 1);
            product *= 1.0 - sqrtBeta * sqrtBeta;
            alphasCumprod[t] = product;
        }
    }

    /**
     * The timesteps of an {@code steps}-step run, descending: the distillation schedule {@code 19, 39, … 999}
     * reversed, sampled at {@code floor(i · 50 / steps)}. 6 steps → 999, 839, 679, 499, 339, 179.
     */
    public int[] timesteps(int steps) {
        if (steps < 1 || steps > ORIGINAL_STEPS) {
            throw new IllegalArgumentException("LCM steps must be between 1 and " + ORIGINAL_STEPS + ", got " + steps);
        }
        int k = TRAIN_STEPS / ORIGINAL_STEPS;
        int[] timesteps = new int[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor((double) i * ORIGINAL_STEPS / steps);
            timesteps[i] = (ORIGINAL_STEPS - index) * k - 1;
        }
        return timesteps;
    }

    public double alphaCumprod(int timestep) {
        return alphasCumprod[timestep];
    }

    /** Weight of the current sample in the consistency function: σ² / ((10t)² + σ²). */
    public double cSkip(int timestep) {
        double scaled = timestep * TIMESTEP_SCALING;
        return SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
    }

    /** Weight of the predicted clean sample: 10t / √((10t)² + σ²). */
    public double cOut(int timestep) {
        double scaled = timestep * TIMESTEP_SCALING;
        return scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);
    }

    /**
     * One denoising step. From the UNet's noise prediction it computes the predicted clean latents
     * {@code x0 = (x − √(1−ᾱ_t)·ε) / √ᾱ_t} and the consistency output {@code c_out·x0 + c_skip·x}. Before the last
     * step that output is noised again to the next timestep, {@code √ᾱ_prev·denoised + √(1−ᾱ_prev)·z}; the last
     * step returns it as is.
     *
     * @param index position in {@code timesteps} of the step being taken
     * @return the latents for the next step, or the final denoised latents after the last step
     */
    public float[] step(float[] epsilon, int index, int[] timesteps, float[] sample, SeededGaussian noise) {
        int t = timesteps[index];
        double alpha = alphasCumprod[t];
        double sqrtAlpha = Math.sqrt(alpha);
        double sqrtBeta = Math.sqrt(1.0 - alpha);
        double cSkip = cSkip(t);
        double cOut = cOut(t);
        boolean last = index == timesteps.length - 1;
        double alphaPrev = last ? alpha : alphasCumprod[timesteps[index + 1]];
        double sqrtAlphaPrev = Math.sqrt(alphaPrev);
        double sqrtBetaPrev = Math.sqrt(1.0 - alphaPrev);

        float[] next = new float[sample.length];
        for (int i = 0; i < sample.length; i++) {
            double x0 = (sample[i] - sqrtBeta * epsilon[i]) / sqrtAlpha;
            double denoised = cOut * x0 + cSkip * sample[i];
            next[i] = (float) (last ? denoised : sqrtAlphaPrev * denoised + sqrtBetaPrev * noise.next());
        }
        return next;
    }

    /**
     * LCM's guidance conditioning (diffusers' {@code get_guidance_scale_embedding}): {@code w = (scale − 1)·1000}
     * times {@code dim/2} frequencies {@code exp(−i·ln(10000)/(dim/2 − 1))}, as {@code [sin…, cos…]}.
     */
    public static float[] guidanceEmbedding(double guidanceScale, int dim) {
        double w = (guidanceScale - 1.0) * 1000.0;
        int half = dim / 2;
        double step = StrictMath.log(10000.0) / (half - 1);
        float[] embedding = new float[dim]; // an odd dim leaves the last entry 0, as diffusers pads it
        for (int i = 0; i < half; i++) {
            double angle = w * StrictMath.exp(-step * i);
            embedding[i] = (float) StrictMath.sin(angle);
            embedding[half + i] = (float) StrictMath.cos(angle);
        }
        return embedding;
    }
}
