package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QwenVlImageProcessorTest {

    /**
     * Expected sizes worked out from the published smart_resize rules (round to the nearest multiple of 28 with
     * ties to even; scale by √(area/max) with floor, or √(min/area) with ceil), e.g. 70 → 70/28 = 2.5 → 2 → 56,
     * and 3000×4000: 4004·3996 > 1003520, β = √(12e6/1003520) = 3.458, 3000/β/28 = 30.98 → 840, 4000/β/28 = 41.3 → 1148.
     */
    @ParameterizedTest
    @CsvSource({
            // height, width, max_pixels, resized h, resized w, patches, image tokens
            "224, 224, 1003520, 224, 224, 256, 64",
            "100, 50, 1003520, 112, 56, 32, 8",
            "30, 20, 1003520, 84, 56, 24, 6",
            "70, 70, 1003520, 56, 56, 16, 4",
            "42, 70, 1003520, 56, 56, 16, 4",
            "3000, 4000, 1003520, 840, 1148, 4920, 1230",
            "1080, 1920, 1003520, 728, 1316, 4888, 1222",
            "224, 224, 12544, 112, 112, 64, 16",
            "480, 640, 200704, 364, 504, 936, 234"})
    void resizesToTheReferenceGrid(int h, int w, long maxPixels, int rh, int rw, int patches, int tokens) {
        QwenVlImageProcessor processor = new QwenVlImageProcessor(
                QwenVlImageProcessor.Settings.defaults().withPixels(56 * 56, maxPixels));
        assertThat(processor.targetSize(h, w)).isEqualTo(new QwenVlImageProcessor.Size(rh, rw));
        if ((long) h * w <= 1_000_000) {
            QwenVlImageProcessor.Patches p = processor.process(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB));
            assertThat(p.rows()).isEqualTo(patches);
            assertThat(p.rowLength()).isEqualTo(1176);
            assertThat(p.pixelValues()).hasSize(patches * 1176);
            assertThat(new int[] {p.gridT(), p.gridH(), p.gridW()}).containsExactly(1, rh / 14, rw / 14);
            assertThat(p.imageTokens()).isEqualTo(tokens);
        }
    }

    @Test
    void refusesTinyOrExtremelyThinImages() {
        assertThatThrownBy(() -> QwenVlImageProcessor.smartResize(9, 100, 28, 3136, 1003520))
                .hasMessageContaining("at least 10 pixels");
        assertThatThrownBy(() -> QwenVlImageProcessor.smartResize(10, 2010, 28, 3136, 1003520))
                .hasMessageContaining("aspect ratio");
    }

    /** transformers clamps each side to at least one factor, so a thin strip never becomes 0 pixels high. */
    @Test
    void smartResizeKeepsAtLeastOneFactorPerSide() {
        // 20×3000 with max 6272: round gives 28×2996 (too large); scaling down by β = 3.09 floors the height to 0.
        assertThat(QwenVlImageProcessor.smartResize(20, 3000, 28, 3136, 6272))
                .isEqualTo(new QwenVlImageProcessor.Size(28, 952));
        // 12 rounds to 0 rows of 28 before any scaling.
        assertThat(QwenVlImageProcessor.smartResize(12, 560, 28, 28 * 28, 1003520).height()).isEqualTo(28);
    }

    /** A 56×56 image (no resize) where R = 4x, G = 4y, B = 255 − x, cut into 4×4 patches of 14 in 2×2 windows. */
    @Test
    void patchesFollowTheMergeWindowOrderAndNormalise() {
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) image.setRGB(x, y, (4 * x) << 16 | (4 * y) << 8 | (255 - x));
        }
        QwenVlImageProcessor.Patches p = new QwenVlImageProcessor(QwenVlImageProcessor.Settings.defaults()).process(image);
        assertThat(p.rows()).isEqualTo(16);
        // Row 1: window (0,0), second patch in its top row → x = 14, y = 0. Red of x = 14 is 56.
        assertThat(at(p, 1, 0)).isCloseTo(norm(56, 0), within(1e-5f));
        // Same pixel in the repeated second frame: channel 0, frame 1 starts at 196.
        assertThat(at(p, 1, 196)).isCloseTo(norm(56, 0), within(1e-5f));
        // Row 2: window (0,0), bottom-left patch → y = 14; green (channel 1 at 392) at patch row 3, col 5 → y = 17.
        assertThat(at(p, 2, 392 + 3 * 14 + 5)).isCloseTo(norm(68, 1), within(1e-5f));
        // Row 5: window (0,1) (x from 28), top-right patch → x = 42; blue (channel 2 at 784) = 255 − 42.
        assertThat(at(p, 5, 784)).isCloseTo(norm(213, 2), within(1e-5f));
        // Row 8: window (1,0), top-left patch → y = 28; green at patch row 0 = 112.
        assertThat(at(p, 8, 392)).isCloseTo(norm(112, 1), within(1e-5f));
        // Last row, last element: blue of (55, 55) in frame 1.
        assertThat(at(p, 15, 1175)).isCloseTo(norm(200, 2), within(1e-5f));
    }

    @Test
    void transparentPixelsAreCompositedOnWhite() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00000000); // fully transparent black → white
        image.setRGB(1, 0, 0xFF102030);
        int[] rgb = QwenVlImageProcessor.rgbOnWhite(image);
        assertThat(rgb).startsWith(255, 255, 255, 0x10, 0x20, 0x30);
    }

    @Test
    void greyImagesKeepTheirLevels() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 100);
        assertThat(QwenVlImageProcessor.rgbOnWhite(image)).startsWith(100, 100, 100);
    }

    private static float at(QwenVlImageProcessor.Patches p, int row, int col) {
        return p.pixelValues()[row * 1176 + col];
    }

    private static float norm(int value, int channel) {
        float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
        float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
        return (value / 255f - mean[channel]) / std[channel];
    }
}
