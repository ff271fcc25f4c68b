package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.VisionRequest.ImageSource;
import io.xaichat.worker.engine.JobFailure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputTest {
    @TempDir
    Path tmp;
    Path inputDir;
    ImageInput input;

    @BeforeEach
    void setUp() throws IOException {
        inputDir = Files.createDirectories(tmp.resolve("in"));
        input = new ImageInput(inputDir, 1 << 20, 4_000_000);
    }

    @Test
    void readsPngAndJpegInlineAndFromTheInputDirectory() throws Exception {
        byte[] png = encode("png", 40, 30);
        byte[] jpeg = encode("jpeg", 32, 48);
        Files.write(inputDir.resolve("a.png"), png);
        Files.createDirectories(inputDir.resolve("sub"));
        Files.write(inputDir.resolve("sub/b.jpg"), jpeg);

        BufferedImage fromInline = input.decode(input.bytes(inline(png)));
        assertThat(fromInline.getWidth()).isEqualTo(40);
        assertThat(fromInline.getHeight()).isEqualTo(30);
        assertThat(input.bytes(path("a.png"))).isEqualTo(png);
        assertThat(input.decode(input.bytes(path("sub/b.jpg"))).getHeight()).isEqualTo(48);
        assertThat(input.bytes(path(inputDir.resolve("sub/../a.png").toString()))).isEqualTo(png);
    }

    @Test
    void refusesPathsOutsideTheInputDirectory() throws Exception {
        Files.write(tmp.resolve("x.png"), encode("png", 20, 20));
        rejected(path("../x.png")).hasMessageContaining("outside the input directory");
        rejected(path(tmp.resolve("x.png").toString())).hasMessageContaining("outside the input directory");
        rejected(path("sub/../../x.png")).hasMessageContaining("outside the input directory");
    }

    @Test
    void refusesSymlinksThatLeadOut() throws Exception {
        Files.write(tmp.resolve("secret.png"), encode("png", 20, 20));
        Files.createSymbolicLink(inputDir.resolve("link.png"), tmp.resolve("secret.png"));
        Files.createSymbolicLink(inputDir.resolve("dir"), tmp);
        rejected(path("link.png")).hasMessageContaining("outside the input directory");
        rejected(path("dir/secret.png")).hasMessageContaining("outside the input directory");
    }

    @Test
    void refusesUrlsMissingFilesAndPathsWithoutAnInputDirectory() throws Exception {
        rejected(path("http://127.0.0.1/x.png")).hasMessageContaining("is a URL");
        rejected(path("file:///etc/passwd")).hasMessageContaining("is a URL");
        rejected(path("nope.png")).hasMessageContaining("does not exist");
        ImageInput inlineOnly = new ImageInput(null, 1 << 20, 4_000_000);
        assertThatThrownBy(() -> inlineOnly.bytes(path("a.png"))).hasMessageContaining("no input directory");
    }

    @Test
    void refusesCorruptAndUnknownBytes() {
        byte[] garbage = "definitely not an image".getBytes();
        assertThatThrownBy(() -> input.decode(garbage)).isInstanceOf(JobFailure.class)
                .hasMessageContaining("not a PNG or JPEG");
        byte[] truncated = java.util.Arrays.copyOf(pngSignatureAndHeader(64, 64), 40);
        assertThatThrownBy(() -> input.decode(truncated)).isInstanceOf(JobFailure.class)
                .satisfies(e -> assertThat(((JobFailure) e).code()).isEqualTo(ErrorCode.INPUT_REJECTED));
        rejected(inline("!!!not base64!!!")).hasMessageContaining("not valid base64");
    }

    @Test
    void refusesTooManyBytesBeforeDecoding() throws Exception {
        ImageInput small = new ImageInput(inputDir, 100, 4_000_000);
        byte[] png = encode("png", 64, 64);
        assertThat(png.length).isGreaterThan(100);
        Files.write(inputDir.resolve("big.png"), png);
        assertThatThrownBy(() -> small.bytes(inline(png))).hasMessageContaining("the limit is 100 bytes");
        assertThatThrownBy(() -> small.bytes(path("big.png"))).hasMessageContaining("the limit is 100 bytes");
    }

    /** A 45-byte PNG whose header claims 100000×100000 pixels: refused from the header, nothing is decoded. */
    @Test
    void refusesAPixelBombFromItsHeader() {
        byte[] bomb = pngSignatureAndHeader(100_000, 100_000);
        assertThatThrownBy(() -> input.decode(bomb)).isInstanceOf(JobFailure.class)
                .hasMessageContaining("100000×100000 = 10000000000 pixels; the limit is 4000000 pixels");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> rejected(ImageSource source) {
        return assertThatThrownBy(() -> input.bytes(source)).isInstanceOf(JobFailure.class)
                .satisfies(e -> assertThat(((JobFailure) e).code()).isEqualTo(ErrorCode.INPUT_REJECTED));
    }

    private static ImageSource inline(byte[] bytes) {
        return new ImageSource(Base64.getEncoder().encodeToString(bytes), null);
    }

    private static ImageSource inline(String text) {
        return new ImageSource(text, null);
    }

    private static ImageSource path(String p) {
        return new ImageSource(null, p);
    }

    static byte[] encode(String format, int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, (x * 5) << 16 | (y * 5) << 8 | 77);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    /** PNG signature, an IHDR chunk (8-bit RGB) with a valid CRC, and an empty IDAT. */
    static byte[] pngSignatureAndHeader(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(b, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(b, "IDAT", new byte[0]);
        return b.array();
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        b.putInt(data.length);
        byte[] typeBytes = type.getBytes();
        b.put(typeBytes).put(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        b.putInt((int) crc.getValue());
    }
}
