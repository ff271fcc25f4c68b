package io.xaichat.worker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SeededGaussianTest {

    @Test
    void sameSeedGivesTheSameSequenceAndAnotherSeedAnother() {
        assertThat(new SeededGaussian(7).next(1001)).containsExactly(new SeededGaussian(7).next(1001));
        assertThat(new SeededGaussian(7).next(16)).isNotEqualTo(new SeededGaussian(8).next(16));
    }

    @Test
    void valuesAreStandardNormal() {
        float[] v = new SeededGaussian(123).next(200_000);
        double sum = 0;
        double squares = 0;
        int beyondTwoSigma = 0;
        for (float x : v) {
            sum += x;
            squares += x * x;
            if (Math.abs(x) > 2) beyondTwoSigma++;
        }
        double mean = sum / v.length;
        assertThat(mean).isCloseTo(0, within(0.01));
        assertThat(squares / v.length - mean * mean).isCloseTo(1, within(0.02));
        // P(|Z| > 2) = 4.55 %.
        assertThat(beyondTwoSigma / (double) v.length).isCloseTo(0.0455, within(0.003));
    }
}
