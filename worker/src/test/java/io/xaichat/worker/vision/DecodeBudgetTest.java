package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.ErrorCode;
import io.xaichat.worker.engine.JobFailure;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The decode budget counts bytes per pixel, from the header, before decoding. */
class DecodeBudgetTest {
    /** 100×100 = 10,000 pixels: the pixel limit lets it through; 16-bit RGBA is 80,000 bytes decoded. */
    private static final int SIDE = 100;
    private final ImageInput input = new ImageInput(null, 1 << 20, 12_000);

    @Test
    void aSixteenBitImageWithinThePixelLimitIsRefusedBeforeDecodingWhenItExceedsTheByteBudget() throws Exception {
        byte[] deep = png(sixteenBitRgba(SIDE, SIDE));
        assertThat(deep.length).as("a small file").isLessThan(10_000);
        assertThatThrownBy(() -> input.decode(deep)).isInstanceOfSatisfying(JobFailure.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.INPUT_REJECTED);
            assertThat(f.getMessage()).contains("8 bytes per pixel").contains("80000 bytes decoded")
                    .contains("decode budget is 48000 bytes");
        });
    }

    @Test
    void theSameSizeAtEightBitsIsDecoded() throws Exception {
        BufferedImage rgb = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        assertThat(input.decode(png(rgb)).getWidth()).isEqualTo(SIDE);
        BufferedImage rgba = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_ARGB);
        assertThat(input.decode(png(rgba)).getHeight()).isEqualTo(SIDE);
    }

    private static BufferedImage sixteenBitRgba(int w, int h) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, w, h, 4, null);
        return new BufferedImage(model, raster, false, null);
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }
}
