package io.xaichat.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * Median and spread of repeated measurements. Percentiles use the nearest-rank method on the sorted samples, so
 * every reported value is one that was actually measured.
 */
public record Stats(double[] sorted) {

    public Stats {
        if (sorted.length == 0) throw new IllegalArgumentException("no samples to summarise");
        sorted = sorted.clone();
        Arrays.sort(sorted);
    }

    public static Stats of(Collection<? extends Number> samples) {
        return new Stats(samples.stream().mapToDouble(Number::doubleValue).toArray());
    }

    public static Stats of(double... samples) {
        return new Stats(samples);
    }

    public int count() {
        return sorted.length;
    }

    /** The nearest-rank percentile: the smallest sample with at least p % of the samples at or below it. */
    public double percentile(double p) {
        if (p <= 0 || p > 100) throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    public double median() {
        return percentile(50);
    }

    public double min() {
        return sorted[0];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    /** "min–max (n=3)" for a few repeats. */
    public String range(String format) {
        return String.format(Locale.ROOT, format + "–" + format + " (n=%d)", min(), max(), count());
    }
}
