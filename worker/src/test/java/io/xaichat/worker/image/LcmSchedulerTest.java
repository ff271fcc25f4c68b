package io.xaichat.worker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LcmSchedulerTest {
    private final LcmScheduler scheduler = new LcmScheduler();

    /**
     * diffusers' schedule for original_inference_steps 50: the distillation steps 999, 979, … 19 sampled at indices
     * floor(linspace(0, 50, n, endpoint=False)). 4, 6 and 8 steps are the values published in the field notes.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "1; 999",
            "2; 999 499",
            "3; 999 679 339",
            "4; 999 759 499 259",
            "5; 999 799 599 399 199",
            "6; 999 839 679 499 339 179",
            "7; 999 859 719 579 439 299 159",
            "8; 999 879 759 639 499 379 259 139"})
    void timestepsMatchDiffusersForOneToEightSteps(int steps, String expected) {
        int[] reference = java.util.Arrays.stream(expected.split(" ")).mapToInt(Integer::parseInt).toArray();
        assertThat(scheduler.timesteps(steps)).containsExactly(reference);
    }

    @Test
    void rejectsStepCountsTheDistillationScheduleCannotServe() {
        assertThatThrownBy(() -> scheduler.timesteps(0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> scheduler.timesteps(51)).hasMessageContaining("got 51");
    }

    @Test
    void boundaryScalingsFollowTheConsistencyParameterisation() {
        for (int t : new int[] {999, 499, 179, 19, 1}) {
            double scaled = 10.0 * t;
            assertThat(scheduler.cSkip(t)).isCloseTo(0.25 / (scaled * scaled + 0.25), within(1e-15));
            assertThat(scheduler.cOut(t)).isCloseTo(scaled / Math.sqrt(scaled * scaled + 0.25), within(1e-15));
        }
        // At t = 0 the consistency function is the identity: all weight on the sample.
        assertThat(scheduler.cSkip(0)).isEqualTo(1.0);
        assertThat(scheduler.cOut(0)).isEqualTo(0.0);
        // At t = 999 the output is (almost) all prediction.
        assertThat(scheduler.cSkip(999)).isLessThan(1e-8);
        assertThat(scheduler.cOut(999)).isCloseTo(1.0, within(1e-8));
    }

    @Test
    void alphasCumprodIsStableDiffusionsScaledLinearSchedule() {
        // Reference in float32, as torch computes it: betas = linspace(√0.00085, √0.012, 1000)², cumulative product.
        float product = 1f;
        float[] reference = new float[1000];
        for (int t = 0; t < 1000; t++) {
            float sqrtBeta = (float) (Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) * t / 999.0);
            product *= 1f - sqrtBeta * sqrtBeta;
            reference[t] = product;
        }
        assertThat(scheduler.alphaCumprod(0)).isCloseTo(1 - 0.00085, within(1e-12));
        for (int t : new int[] {19, 179, 499, 759, 999}) {
            assertThat(scheduler.alphaCumprod(t)).isCloseTo(reference[t], within(2e-6));
        }
        // SD 1.5's terminal signal level: ᾱ_999 ≈ 0.00466.
        assertThat(scheduler.alphaCumprod(999)).isBetween(0.0046, 0.0047);
    }

    @Test
    void lastStepReturnsTheDenoisedSampleWithoutNoise() {
        int[] timesteps = scheduler.timesteps(1);
        float[] sample = {1f, -2f, 0.5f};
        float[] epsilon = {0.3f, 0.1f, -0.7f};
        float[] out = scheduler.step(epsilon, 0, timesteps, sample, new SeededGaussian(1));
        double a = scheduler.alphaCumprod(999);
        for (int i = 0; i < sample.length; i++) {
            double x0 = (sample[i] - Math.sqrt(1 - a) * epsilon[i]) / Math.sqrt(a);
            double expected = scheduler.cOut(999) * x0 + scheduler.cSkip(999) * sample[i];
            assertThat(out[i]).isCloseTo((float) expected, within(1e-4f));
        }
    }

    @Test
    void earlierStepsNoiseTheDenoisedSampleToTheNextTimestep() {
        int[] timesteps = scheduler.timesteps(2); // 999, 499
        float[] sample = {0.2f, -1.5f, 2f, 0f};
        float[] epsilon = {-0.4f, 0.9f, 0.05f, 1f};
        float[] out = scheduler.step(epsilon, 0, timesteps, sample, new SeededGaussian(42));

        SeededGaussian sameNoise = new SeededGaussian(42);
        double a = scheduler.alphaCumprod(999);
        double aNext = scheduler.alphaCumprod(499);
        for (int i = 0; i < sample.length; i++) {
            double x0 = (sample[i] - Math.sqrt(1 - a) * epsilon[i]) / Math.sqrt(a);
            double denoised = scheduler.cOut(999) * x0 + scheduler.cSkip(999) * sample[i];
            double expected = Math.sqrt(aNext) * denoised + Math.sqrt(1 - aNext) * sameNoise.next();
            assertThat(out[i]).isCloseTo((float) expected, within(1e-4f));
        }
    }

    @Test
    void guidanceEmbeddingIsSinCosOfTheScaledGuidance() {
        float[] e = LcmScheduler.guidanceEmbedding(8.0, 256);
        assertThat(e).hasSize(256);
        double w = 7000.0; // (8 − 1) · 1000
        // Frequency i is 10000^(−i/127): the first is 1, the last 1/10000.
        assertThat(e[0]).isCloseTo((float) Math.sin(w), within(1e-6f));
        assertThat(e[128]).isCloseTo((float) Math.cos(w), within(1e-6f));
        assertThat(e[127]).isCloseTo((float) Math.sin(w / 10000), within(1e-6f));
        assertThat(e[255]).isCloseTo((float) Math.cos(w / 10000), within(1e-6f));
        assertThat(e[64]).isCloseTo((float) Math.sin(w * Math.pow(10000, -64.0 / 127)), within(1e-5f));
        // Guidance 1 means w = 0: sines 0, cosines 1.
        float[] none = LcmScheduler.guidanceEmbedding(1.0, 256);
        assertThat(none[5]).isZero();
        assertThat(none[133]).isEqualTo(1f);
    }
}
