package io.xaichat.worker.vision;

import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.VisionRequest;
import io.xaichat.worker.engine.JobFailure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a vision job's image safely: inline base64 or a file inside the configured input directory (never a URL,
 * never outside the directory, symlinks resolved), bounded in bytes, and bounded in pixels from the header
 * before any pixel is decoded, so a small file cannot expand into gigabytes (decompression bomb).
 */
public final class ImageInput {
    private static final Set<String> FORMATS = Set.of("png", "jpeg");
    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    private final Path inputDir;
    private final long maxBytes;
    private final long maxPixels;

    /**
     * @param inputDir directory that {@code image.path} is resolved against; null refuses all paths
     * @param maxBytes largest accepted encoded image
     * @param maxPixels largest accepted width × height, checked from the header before decoding
     */
    public ImageInput(Path inputDir, long maxBytes, long maxPixels) {
        if (maxBytes < 1) throw new IllegalArgumentException("image byte limit must be ≥ 1, got " + maxBytes);
        if (maxPixels < 1) throw new IllegalArgumentException("image pixel limit must be ≥ 1, got " + maxPixels);
        this.inputDir = inputDir;
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    /** The encoded bytes of a request's image, from inline base64 or the input directory. */
    public byte[] bytes(VisionRequest.ImageSource source) throws JobFailure {
        if (source == null) throw rejected("the request has no image");
        boolean inline = source.base64() != null;
        boolean file = source.path() != null;
        if (inline == file) throw rejected("give exactly one of image.base64 and image.path");
        return inline ? decodeBase64(source.base64()) : readFile(source.path());
    }

    /** The image's width and height from its header, checked against the pixel limit; no pixel is decoded. */
    public java.awt.Dimension dimensions(byte[] bytes) throws JobFailure {
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(stream);
            try {
                reader.setInput(stream, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                checkPixels(width, height);
                return new java.awt.Dimension(width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new JobFailure(ErrorCode.INPUT_REJECTED, "image is not a readable PNG or JPEG: " + e.getMessage(), e);
        }
    }

    private void checkPixels(long width, long height) throws JobFailure {
        if (width < 1 || height < 1 || width * height > maxPixels) {
            throw rejected("image is " + width + "×" + height + " = " + width * height
                    + " pixels; the limit is " + maxPixels + " pixels");
        }
    }

    /** Checks the header's dimensions against the pixel limit, then decodes. */
    public BufferedImage decode(byte[] bytes) throws JobFailure {
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(stream);
            try {
                reader.setInput(stream, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                checkPixels(width, height);
                DecodeBudget.check(reader, width, height, maxPixels);
                BufferedImage image = reader.read(0);
                if (image == null) throw rejected("image could not be decoded");
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data through IOException and, in some decoders, unchecked exceptions.
            throw new JobFailure(ErrorCode.INPUT_REJECTED, "image is not a readable PNG or JPEG: " + e.getMessage(), e);
        }
    }

    private ImageReader readerFor(ImageInputStream stream) throws JobFailure, IOException {
        if (stream == null) throw rejected("image could not be opened");
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) return reader;
            reader.dispose();
        }
        throw rejected("image is not a PNG or JPEG (the accepted formats)");
    }

    private byte[] decodeBase64(String base64) throws JobFailure {
        // 4 characters carry 3 bytes: refuse before allocating the decoded array.
        long decodedUpperBound = (long) base64.length() / 4 * 3 + 3;
        if (decodedUpperBound - 3 > maxBytes) {
            throw rejected("inline image is about " + decodedUpperBound + " bytes; the limit is " + maxBytes + " bytes");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw rejected("image.base64 is not valid base64: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw rejected("inline image is " + bytes.length + " bytes; the limit is " + maxBytes + " bytes");
        }
        if (bytes.length == 0) throw rejected("image.base64 decodes to no bytes");
        return bytes;
    }

    private byte[] readFile(String pathText) throws JobFailure {
        if (inputDir == null) throw rejected("image.path is not accepted: this worker has no input directory");
        if (URL.matcher(pathText).matches()) {
            throw rejected("image.path '" + pathText + "' is a URL; give a file path inside the input directory");
        }
        Path file;
        try {
            Path root = inputDir.toRealPath();
            // toRealPath resolves '..' and every symlink, so the containment check sees the file actually read.
            file = root.resolve(pathText).normalize().toRealPath();
            if (!file.startsWith(root)) {
                throw rejected("image.path '" + pathText + "' is outside the input directory " + inputDir);
            }
            if (!Files.isRegularFile(file)) throw rejected("image.path '" + pathText + "' is not a regular file");
            long size = Files.size(file);
            if (size > maxBytes) {
                throw rejected("image file '" + pathText + "' is " + size + " bytes; the limit is " + maxBytes + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > maxBytes) throw rejected("image file '" + pathText + "' grew past the byte limit");
            return bytes;
        } catch (InvalidPathException e) {
            throw rejected("image.path '" + pathText + "' is not a valid path: " + e.getReason());
        } catch (NoSuchFileException e) {
            throw rejected("image.path '" + pathText + "' does not exist in the input directory");
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.INPUT_REJECTED, "image.path '" + pathText + "' cannot be read: " + e, e);
        }
    }

    private static JobFailure rejected(String message) {
        return new JobFailure(ErrorCode.INPUT_REJECTED, message);
    }
}
