package io.xaichat.worker.vision;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * The Qwen2-VL image processor: smart resize to multiples of patch × merge within [minPixels, maxPixels],
 * Pillow bicubic resize, ×1/255, CLIP mean/std normalisation, the single frame repeated temporalPatchSize times,
 * then cut into patches ordered as the vision encoder expects: rows grouped by merge window (t, block row,
 * block column, row in block, column in block), each row laid out as channel, frame, patch row, patch column.
 */
public final class QwenVlImageProcessor {

    /**
     * Preprocessing settings. The defaults are transformers' Qwen2VLImageProcessor class defaults (max_pixels
     * 28·28·1280); the published preprocessor_config.json of Qwen2-VL-2B-Instruct says 12845056, which the engine
     * reads and then caps (see {@link PreprocessorConfig}).
     */
    public record Settings(long minPixels, long maxPixels, int patchSize, int mergeSize, int temporalPatchSize,
                           float[] mean, float[] std) {
        public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
        public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

        public Settings {
            if (minPixels < 1 || maxPixels < minPixels) {
                throw new IllegalArgumentException("need 1 ≤ min_pixels ≤ max_pixels, got min_pixels=" + minPixels
                        + ", max_pixels=" + maxPixels);
            }
            if (patchSize < 1 || mergeSize < 1 || temporalPatchSize < 1) {
                throw new IllegalArgumentException("patch, merge and temporal patch sizes must be ≥ 1");
            }
            if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values");
        }

        public static Settings defaults() {
            return new Settings(56 * 56, 28 * 28 * 1280, 14, 2, 2, CLIP_MEAN, CLIP_STD);
        }

        public Settings withPixels(long min, long max) {
            return new Settings(min, max, patchSize, mergeSize, temporalPatchSize, mean, std);
        }

        int factor() {
            return patchSize * mergeSize;
        }

        int patchLength() {
            return 3 * temporalPatchSize * patchSize * patchSize;
        }
    }

    /** Resized height and width. */
    public record Size(int height, int width) {}

    /**
     * The encoder's inputs for one image.
     *
     * @param pixelValues row-major [gridT·gridH·gridW, 3·temporalPatchSize·patch²]
     */
    public record Patches(float[] pixelValues, int rows, int rowLength, int gridT, int gridH, int gridW,
                          int mergeSize) {
        /** How many {@code <|image_pad|>} tokens stand for this image: one per merged window. */
        public int imageTokens() {
            return gridT * gridH * gridW / (mergeSize * mergeSize);
        }
    }

    private final Settings settings;

    public QwenVlImageProcessor(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The reference smart resize: round each side to the nearest multiple of {@code factor} (Python's round, ties
     * to even), at least one factor, then scale both sides down (floor, at least one factor) or up (ceil) by a
     * common factor if the area leaves the range.
     *
     * @throws IllegalArgumentException for sides under 10 pixels or an aspect ratio over 200
     */
    public static Size smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height < 10 || width < 10) {
            throw new IllegalArgumentException("image is " + width + "×" + height
                    + " pixels; both sides must be at least 10 pixels");
        }
        if ((double) Math.max(height, width) / Math.min(height, width) > 200) {
            throw new IllegalArgumentException("image is " + width + "×" + height
                    + " pixels; the aspect ratio must be at most 200");
        }
        // transformers clamps every side to at least one factor: a thin strip must not become 0 pixels tall.
        long h = Math.max(factor, (long) Math.rint((double) height / factor) * factor);
        long w = Math.max(factor, (long) Math.rint((double) width / factor) * factor);
        if (h * w > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (h * w < minPixels) {
            double beta = Math.sqrt((double) minPixels / ((double) height * width));
            h = (long) Math.ceil(height * beta / factor) * factor;
            w = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new Size((int) h, (int) w);
    }

    public Size targetSize(int height, int width) {
        return smartResize(height, width, settings.factor(), settings.minPixels(), settings.maxPixels());
    }

    /**
     * An image resized to its target size: 8-bit RGB, interleaved, kept as bytes (3 per pixel) so a job waiting for
     * its turn holds no more than the model will see.
     */
    public record Resized(byte[] rgb, Size size) {}

    public Patches process(BufferedImage image) {
        return patches(resize(image));
    }

    /** The first stage: composite over white, then bicubic resize to {@link #targetSize}. */
    public Resized resize(BufferedImage image) {
        Size size = targetSize(image.getHeight(), image.getWidth());
        int[] rgb = BicubicResampler.resize(rgbOnWhite(image), image.getWidth(), image.getHeight(), 3,
                size.width(), size.height());
        byte[] bytes = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) bytes[i] = (byte) rgb[i];
        return new Resized(bytes, size);
    }

    /** The second stage: normalise and cut into the vision encoder's patch rows. */
    public Patches patches(Resized image) {
        return patchify(normalise(image.rgb()), image.size());
    }

    /** Channel-planar normalised floats [3][h·w]. */
    private float[][] normalise(byte[] rgb) {
        int n = rgb.length / 3;
        float[][] planes = new float[3][n];
        for (int c = 0; c < 3; c++) {
            // Same order of operations as the reference: rescale to [0,1], then (x − mean) / std.
            float mean = settings.mean()[c];
            float std = settings.std()[c];
            for (int i = 0; i < n; i++) {
                float scaled = (float) ((rgb[i * 3 + c] & 0xFF) * (1.0 / 255.0));
                planes[c][i] = (scaled - mean) / std;
            }
        }
        return planes;
    }

    private Patches patchify(float[][] planes, Size size) {
        int p = settings.patchSize();
        int m = settings.mergeSize();
        int tp = settings.temporalPatchSize();
        int gridT = 1; // one image: the frame repeated tp times fills exactly one temporal patch
        int gridH = size.height() / p;
        int gridW = size.width() / p;
        int rowLength = settings.patchLength();
        int rows = gridT * gridH * gridW;
        float[] out = new float[rows * rowLength];
        int width = size.width();
        int row = 0;
        for (int blockY = 0; blockY < gridH / m; blockY++) {
            for (int blockX = 0; blockX < gridW / m; blockX++) {
                for (int inY = 0; inY < m; inY++) {
                    for (int inX = 0; inX < m; inX++) {
                        int top = (blockY * m + inY) * p;
                        int left = (blockX * m + inX) * p;
                        int o = row * rowLength;
                        for (int c = 0; c < 3; c++) {
                            for (int frame = 0; frame < tp; frame++) {
                                for (int py = 0; py < p; py++) {
                                    int src = (top + py) * width + left;
                                    System.arraycopy(planes[c], src, out, o, p);
                                    o += p;
                                }
                            }
                        }
                        row++;
                    }
                }
            }
        }
        return new Patches(out, rows, rowLength, gridT, gridH, gridW, m);
    }

    /**
     * 8-bit RGB, interleaved. Transparent pixels are composited over white and grey is replicated, as the
     * reference's convert_to_rgb does; grey rasters are read directly because BufferedImage.getRGB would apply a
     * colour-space conversion to them.
     */
    static int[] rgbOnWhite(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h * 3];
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getNumColorComponents() == 1
                && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && raster.getSampleModel().getSampleSize(0) == 8;
        boolean alpha = image.getColorModel().hasAlpha();
        int[] argb = grey ? null : image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < w * h; i++) {
            int r, g, b, a;
            if (grey) {
                int x = i % w;
                int y = i / w;
                r = g = b = raster.getSample(x, y, 0);
                a = alpha ? raster.getSample(x, y, 1) : 255;
            } else {
                int px = argb[i];
                a = alpha ? px >>> 24 : 255;
                r = (px >> 16) & 0xff;
                g = (px >> 8) & 0xff;
                b = px & 0xff;
            }
            out[i * 3] = overWhite(r, a);
            out[i * 3 + 1] = overWhite(g, a);
            out[i * 3 + 2] = overWhite(b, a);
        }
        return out;
    }

    private static int overWhite(int value, int alpha) {
        if (alpha == 255) return value;
        return (int) Math.round((value * alpha + 255.0 * (255 - alpha)) / 255.0);
    }
}
