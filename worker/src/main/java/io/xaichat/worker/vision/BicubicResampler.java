package io.xaichat.worker.vision;

/**
 * Pillow's bicubic resize of 8-bit channels ({@code Image.resize(size, BICUBIC)}), which the reference Qwen2-VL
 * image processor uses: a separable a = −0.5 cubic filter widened by the scale factor when shrinking
 * (antialiasing), horizontal pass first, fixed-point weights with 22 fractional bits and rounding to 8 bits after
 * each pass — all as Pillow does, so the visual tokens see the same pixels as in the reference.
 */
final class BicubicResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private BicubicResampler() {}

    /** Resizes interleaved {@code channels}-channel 8-bit pixels (values 0..255) from w×h to outW×outH. */
    static int[] resize(int[] pixels, int w, int h, int channels, int outW, int outH) {
        int[] horizontal = outW == w ? pixels : pass(pixels, w, h, channels, outW, true);
        return outH == h ? horizontal : pass(horizontal, outW, h, channels, outH, false);
    }

    private static int[] pass(int[] in, int w, int h, int channels, int outSize, boolean horizontal) {
        int inSize = horizontal ? w : h;
        Coefficients c = coefficients(inSize, outSize);
        int outW = horizontal ? outSize : w;
        int outH = horizontal ? h : outSize;
        int[] out = new int[outW * outH * channels];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int o = horizontal ? x : y;
                int first = c.first[o];
                for (int ch = 0; ch < channels; ch++) {
                    long sum = 1L << (PRECISION_BITS - 1);
                    for (int k = 0; k < c.count[o]; k++) {
                        int src = horizontal ? (y * w + first + k) : ((first + k) * w + x);
                        sum += (long) in[src * channels + ch] * c.weights[o * c.stride + k];
                    }
                    out[(y * outW + x) * channels + ch] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static int clip8(long value) {
        long v = value >> PRECISION_BITS;
        return (int) Math.max(0, Math.min(255, v));
    }

    private record Coefficients(int[] first, int[] count, int[] weights, int stride) {}

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * stride];
        double[] k = new double[stride];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                k[x] = cubic((x + xmin - center + 0.5) / filterScale);
                total += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double normalized = total != 0 ? k[x] / total : k[x];
                // Pillow rounds half away from zero when converting weights to fixed point.
                weights[xx * stride + x] = normalized < 0
                        ? (int) (-0.5 + normalized * (1 << PRECISION_BITS))
                        : (int) (0.5 + normalized * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(first, count, weights, stride);
    }

    private static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
}
