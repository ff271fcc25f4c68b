package io.xaichat.worker.image;

import java.util.SplittableRandom;

/**
 * Standard normal numbers from a seed: {@link SplittableRandom} (SplitMix64, specified bit for bit by the JDK, so
 * the same seed gives the same sequence on every JVM) turned into pairs of normals by the Box–Muller transform.
 * Same seed and same request → identical latents → identical image. This is not PyTorch's generator: a seed here
 * does not reproduce the image diffusers would make with it. StrictMath keeps the transform bit-identical across
 * JVMs and CPUs.
 */
public final class SeededGaussian {
    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    public SeededGaussian(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public float next() {
        if (hasSpare) {
            hasSpare = false;
            return (float) spare;
        }
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
        double u2 = random.nextDouble();
        double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double angle = 2.0 * Math.PI * u2;
        spare = radius * StrictMath.sin(angle);
        hasSpare = true;
        return (float) (radius * StrictMath.cos(angle));
    }

    public float[] next(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) values[i] = next();
        return values;
    }
}
