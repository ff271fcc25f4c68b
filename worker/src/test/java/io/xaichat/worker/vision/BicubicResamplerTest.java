package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BicubicResamplerTest {

    /**
     * Expected pixels from Pillow 9.4's {@code Image.resize(size, Image.BICUBIC)} on the same 40×30 pattern
     * (R = (37x + 11y) mod 256, G = (x² + 3y) mod 256, B = (255 − 6y) mod 256), computed outside this project.
     */
    @Test
    void matchesPillowBicubicWhenEnlargingOneSideAndShrinkingTheOther() {
        int[] src = new int[40 * 30 * 3];
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                int i = (y * 40 + x) * 3;
                src[i] = (x * 37 + y * 11) % 256;
                src[i + 1] = (x * x + 3 * y) % 256;
                src[i + 2] = Math.floorMod(255 - 6 * y, 256);
            }
        }
        int[] wide = BicubicResampler.resize(src, 40, 30, 3, 56, 28);
        assertThat(pixel(wide, 56, 0, 0)).containsExactly(0, 0, 255);
        assertThat(pixel(wide, 56, 13, 5)).containsExactly(141, 100, 223);
        assertThat(pixel(wide, 56, 55, 27)).containsExactly(228, 62, 81);
        assertThat(pixel(wide, 56, 30, 14)).containsExactly(186, 180, 165);
        assertThat(pixel(wide, 56, 7, 20)).containsExactly(160, 88, 126);
        int[] tall = BicubicResampler.resize(src, 40, 30, 3, 28, 56);
        assertThat(pixel(tall, 28, 0, 0)).containsExactly(8, 0, 255);
        assertThat(pixel(tall, 28, 27, 55)).containsExactly(218, 131, 80);
        assertThat(pixel(tall, 28, 10, 33)).containsExactly(225, 134, 150);
    }

    private static int[] pixel(int[] rgb, int width, int x, int y) {
        int i = (y * width + x) * 3;
        return new int[] {rgb[i], rgb[i + 1], rgb[i + 2]};
    }
}
