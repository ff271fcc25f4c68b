package io.xaichat.worker.vision;

import io.xaichat.schema.ErrorCode;
import io.xaichat.worker.engine.JobFailure;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * The memory an image takes once decoded, computed from its header before decoding: width × height × bytes per
 * pixel of the raster the decoder will build. A 16-bit RGBA PNG takes 8 bytes per pixel, so a pixel limit alone
 * let a 381 KB file decode into 379 MB. The budget is what an 8-bit RGBA image at the pixel limit takes.
 */
final class DecodeBudget {
    static final int BUDGET_BYTES_PER_PIXEL = 4;

    private DecodeBudget() {}

    static long bytesPerPixel(ImageReader reader) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) return BUDGET_BYTES_PER_PIXEL;
        SampleModel samples = type.getSampleModel(1, 1);
        long bits = (long) samples.getNumBands() * DataBuffer.getDataTypeSize(samples.getDataType());
        return Math.max(1, (bits + 7) / 8);
    }

    static void check(ImageReader reader, long width, long height, long maxPixels) throws JobFailure, IOException {
        long perPixel = bytesPerPixel(reader);
        long needed = width * height * perPixel;
        long budget = maxPixels * BUDGET_BYTES_PER_PIXEL;
        if (needed > budget) {
            throw new JobFailure(ErrorCode.INPUT_REJECTED, "image is " + width + "×" + height + " at " + perPixel
                    + " bytes per pixel = " + needed + " bytes decoded; the decode budget is " + budget
                    + " bytes (" + maxPixels + " pixels × " + BUDGET_BYTES_PER_PIXEL + ")");
        }
    }
}
