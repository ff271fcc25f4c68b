package io.xaichat.worker.onnx;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from logits: greedy, or seeded sampling with temperature, top-k and top-p. */
final class Sampler {
    private final GenerationSettings settings;
    private final SplittableRandom random;

    Sampler(GenerationSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    int next(float[] logits) {
        return settings.greedy() ? argmax(logits) : sample(logits);
    }

    /**
     * transformers' RepetitionPenaltyLogitsProcessor: the logit of every token already in the sequence is divided
     * by the penalty when positive and multiplied by it when negative, so repeats become less likely either way.
     */
    static void penalize(float[] logits, long[] seen, int count, double penalty) {
        if (penalty == 1.0) return;
        boolean[] done = new boolean[logits.length];
        for (int i = 0; i < count; i++) {
            long id = seen[i];
            if (id < 0 || id >= logits.length || done[(int) id]) continue;
            done[(int) id] = true;
            float v = logits[(int) id];
            logits[(int) id] = (float) (v < 0 ? v * penalty : v / penalty);
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) best = i;
        }
        return best;
    }

    private int sample(float[] logits) {
        int[] order = descending(logits);
        int keep = settings.topK() > 0 ? Math.min(settings.topK(), order.length) : order.length;
        double max = logits[order[0]];
        double[] probs = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp((logits[order[i]] - max) / settings.temperature());
            total += probs[i];
        }
        // Nucleus: the smallest prefix whose mass reaches top_p (at least one token).
        double mass = 0;
        int nucleus = 0;
        while (nucleus < keep) {
            mass += probs[nucleus] / total;
            nucleus++;
            if (mass >= settings.topP()) break;
        }
        double kept = 0;
        for (int i = 0; i < nucleus; i++) kept += probs[i];
        double draw = random.nextDouble() * kept;
        for (int i = 0; i < nucleus; i++) {
            draw -= probs[i];
            if (draw < 0) return order[i];
        }
        return order[nucleus - 1];
    }

    /** Token ids by falling logit (ties by rising id), via one primitive sort of (logit, id) keys. */
    private static int[] descending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            bits ^= (bits >> 31) & 0x7fffffff; // order-preserving int for negative floats too
            keys[i] = ((long) ~bits << 32) | i; // ~ makes the ascending sort descending in logit
        }
        Arrays.sort(keys);
        int[] order = new int[logits.length];
        for (int i = 0; i < keys.length; i++) order[i] = (int) keys[i];
        return order;
    }
}
