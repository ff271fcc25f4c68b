package io.xaichat.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Test pictures with the statistics of a photo rather than of a flat fill or pure noise: smooth gradients and
 * shapes plus fine grain, so PNG and JPEG codecs work about as hard as on real pictures.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    public static BufferedImage photoLike(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = (double) x / width, v = (double) y / height;
                double wave = Math.sin(u * 9 + v * 4) * 40 + Math.cos(v * 13 - u * 3) * 30;
                int grain = random.nextInt(-5, 6);
                int r = clamp(90 + 120 * u + wave + grain);
                int g = clamp(70 + 140 * v - wave / 2 + grain);
                int b = clamp(160 - 80 * u * v + wave / 3 + grain);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    public static byte[] jpeg(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpeg", out)) throw new IllegalStateException("no JPEG writer in this JDK");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }
}
