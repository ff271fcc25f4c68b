package io.xaichat.worker.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.worker.gguf.GgufWriter.Half;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void halfPrecisionRoundTripsRepresentableValuesAndRoundsToNearest() {
        for (float f : new float[] {0f, 1f, -2f, 0.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f}) {
            assertThat(Half.toFloat(Half.fromFloat(f))).isEqualTo(f);
        }
        assertThat(Half.fromFloat(1f)).isEqualTo(0x3c00);
        assertThat(Half.fromFloat(-2f)).isEqualTo(0xc000);
        assertThat(Half.fromFloat(1e6f)).isEqualTo(0x7c00); // overflow → infinity
        assertThat(Half.toFloat(Half.fromFloat(0.1f))).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void sameSpecWritesSameBytesAndSeedChangesThem() throws IOException {
        ModelSpec spec = ModelSpec.tiny("llama");
        byte[] a = Files.readAllBytes(SyntheticChatModels.write(spec, dir.resolve("a.gguf")));
        byte[] b = Files.readAllBytes(SyntheticChatModels.write(spec, dir.resolve("b.gguf")));
        byte[] c = Files.readAllBytes(SyntheticChatModels.write(spec.withSeed(7), dir.resolve("c.gguf")));

        assertThat(a).isEqualTo(b);
        assertThat(c).hasSameSizeAs(a).isNotEqualTo(a);
    }

    @Test
    void quantizedBlocksDecodeBackToTheirValues() throws IOException {
        float[] values = new float[32];
        for (int i = 0; i < 32; i++) values[i] = (i - 16) / 16f;
        GgufWriter.TensorSource source = (chunk, n) -> System.arraycopy(values, 0, chunk, 0, n);
        Path file = dir.resolve("q.gguf");
        new GgufWriter().tensor("q8", TensorType.Q8_0, source, 32).tensor("q4", TensorType.Q4_0, source, 32)
                .write(file);

        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        // The data ends the file, each tensor padded to 32 bytes: Q8_0's 34 bytes take 64, Q4_0's 18 take 32.
        int size = (int) Files.size(file);
        int q8 = size - 96, q4 = size - 32;
        float d8 = Half.toFloat(data.getShort(q8) & 0xffff);
        float d4 = Half.toFloat(data.getShort(q4) & 0xffff);
        for (int i = 0; i < 32; i++) {
            assertThat(data.get(q8 + 2 + i) * d8).isCloseTo(values[i], org.assertj.core.data.Offset.offset(0.01f));
            int packed = data.get(q4 + 2 + i % 16) & 0xff;
            int nibble = i < 16 ? packed & 0xf : packed >> 4;
            assertThat((nibble - 8) * d4).isCloseTo(values[i], org.assertj.core.data.Offset.offset(0.07f));
        }
    }
}
