package io.xaichat.worker.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file: header, key/value metadata, tensor infos, then tensor data aligned to 32 bytes.
 * Tensor values are produced chunk by chunk while writing ({@link TensorSource}), so a 1.5 GB model never sits in
 * memory. Supports F32, F16, Q8_0 and Q4_0 tensors.
 */
public final class GgufWriter {
    static final int ALIGNMENT = 32;
    private static final int CHUNK = 1 << 16; // floats per generated chunk; a multiple of the 32-value block

    /** GGUF tensor types this writer can encode. */
    public enum TensorType {
        F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q8_0(8, 32, 34);

        final int id;
        final int blockValues;
        final int blockBytes;

        TensorType(int id, int blockValues, int blockBytes) {
            this.id = id;
            this.blockValues = blockValues;
            this.blockBytes = blockBytes;
        }

        long bytesFor(long values) {
            return values / blockValues * blockBytes;
        }

        /** {@code general.file_type} value of a model whose big tensors use this type. */
        public int fileType() {
            return switch (this) {
                case F32 -> 0;
                case F16 -> 1;
                case Q4_0 -> 2;
                case Q8_0 -> 7;
            };
        }
    }

    /** Produces a tensor's values in order; called repeatedly with the next chunk to fill. */
    @FunctionalInterface
    public interface TensorSource {
        void fill(float[] chunk, int length);
    }

    private record Tensor(String name, TensorType type, long[] dims, TensorSource source) {
        long values() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }
    }

    // GGUF metadata value types.
    private static final int T_UINT32 = 4, T_INT32 = 5, T_FLOAT32 = 6, T_BOOL = 7, T_STRING = 8, T_ARRAY = 9;

    private final Map<String, Object> kvs = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter string(String key, String value) {
        kvs.put(key, value);
        return this;
    }

    public GgufWriter uint32(String key, int value) {
        kvs.put(key, new UInt32(value));
        return this;
    }

    public GgufWriter float32(String key, float value) {
        kvs.put(key, value);
        return this;
    }

    public GgufWriter bool(String key, boolean value) {
        kvs.put(key, value);
        return this;
    }

    public GgufWriter strings(String key, List<String> values) {
        kvs.put(key, List.copyOf(values));
        return this;
    }

    public GgufWriter int32s(String key, int[] values) {
        kvs.put(key, values.clone());
        return this;
    }

    private record UInt32(int value) {}

    /**
     * Declares a tensor. {@code dims} are innermost first (ggml order: {@code [columns, rows]}); quantized types
     * need the innermost dimension to be a multiple of 32.
     */
    public GgufWriter tensor(String name, TensorType type, TensorSource source, long... dims) {
        if (type.blockValues > 1 && dims[0] % type.blockValues != 0) {
            throw new IllegalArgumentException("tensor " + name + ": innermost dimension " + dims[0]
                    + " is not a multiple of " + type.blockValues + " as " + type + " needs");
        }
        tensors.add(new Tensor(name, type, dims.clone(), source));
        return this;
    }

    public void write(Path file) throws IOException {
        try (LittleEndianOut out = new LittleEndianOut(Files.newOutputStream(file))) {
            out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
            out.u32(3);
            out.u64(tensors.size());
            out.u64(kvs.size());
            for (Map.Entry<String, Object> kv : kvs.entrySet()) {
                out.string(kv.getKey());
                writeValue(out, kv.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                out.string(t.name);
                out.u32(t.dims.length);
                for (long d : t.dims) out.u64(d);
                out.u32(t.type.id);
                out.u64(offset);
                offset = align(offset + t.type.bytesFor(t.values()));
            }
            out.padTo(ALIGNMENT);
            for (Tensor t : tensors) {
                writeData(out, t);
                out.padTo(ALIGNMENT);
            }
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void writeValue(LittleEndianOut out, Object value) throws IOException {
        if (value instanceof String s) {
            out.u32(T_STRING);
            out.string(s);
        } else if (value instanceof UInt32 u) {
            out.u32(T_UINT32);
            out.u32(u.value);
        } else if (value instanceof Float f) {
            out.u32(T_FLOAT32);
            out.f32(f);
        } else if (value instanceof Boolean b) {
            out.u32(T_BOOL);
            out.u8(b ? 1 : 0);
        } else if (value instanceof int[] ints) {
            out.u32(T_ARRAY);
            out.u32(T_INT32);
            out.u64(ints.length);
            for (int i : ints) out.u32(i);
        } else if (value instanceof List<?> list) {
            out.u32(T_ARRAY);
            out.u32(T_STRING);
            out.u64(list.size());
            for (Object s : list) out.string((String) s);
        } else {
            throw new IllegalArgumentException("unsupported GGUF value " + value);
        }
    }

    private static void writeData(LittleEndianOut out, Tensor t) throws IOException {
        float[] chunk = new float[CHUNK];
        long remaining = t.values();
        while (remaining > 0) {
            int n = (int) Math.min(CHUNK, remaining);
            t.source.fill(chunk, n);
            switch (t.type) {
                case F32 -> { for (int i = 0; i < n; i++) out.f32(chunk[i]); }
                case F16 -> { for (int i = 0; i < n; i++) out.u16(Half.fromFloat(chunk[i])); }
                case Q8_0 -> { for (int b = 0; b < n; b += 32) q8Block(out, chunk, b); }
                case Q4_0 -> { for (int b = 0; b < n; b += 32) q4Block(out, chunk, b); }
            }
            remaining -= n;
        }
    }

    /** Q8_0: fp16 scale d = max|x|/127, then 32 signed bytes round(x/d). */
    private static void q8Block(LittleEndianOut out, float[] x, int from) throws IOException {
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[from + i]));
        float d = amax / 127f;
        float id = d == 0 ? 0 : 1 / d;
        out.u16(Half.fromFloat(d));
        for (int i = 0; i < 32; i++) out.u8(Math.round(x[from + i] * id));
    }

    /** Q4_0: fp16 scale d = (value of largest magnitude)/−8, then nibbles q = x/d + 8; byte j holds j and j+16. */
    private static void q4Block(LittleEndianOut out, float[] x, int from) throws IOException {
        float amax = 0, max = 0;
        for (int i = 0; i < 32; i++) {
            float v = x[from + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d == 0 ? 0 : 1 / d;
        out.u16(Half.fromFloat(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[from + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[from + j + 16] * id + 8.5f));
            out.u8(lo | hi << 4);
        }
    }

    /** IEEE half-precision conversion (Java 17 has no Float.floatToFloat16), round to nearest even. */
    static final class Half {
        private Half() {}

        static int fromFloat(float f) {
            int bits = Float.floatToRawIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int exp = (bits >>> 23) & 0xff;
            int mant = bits & 0x7fffff;
            if (exp == 0xff) return sign | 0x7c00 | (mant != 0 ? 0x200 : 0);
            int e = exp - 127 + 15;
            if (e >= 0x1f) return sign | 0x7c00;
            if (e <= 0) {
                if (e < -10) return sign;
                mant |= 0x800000;
                int shift = 14 - e;
                int half = mant >> shift;
                int rest = mant & ((1 << shift) - 1);
                int midpoint = 1 << (shift - 1);
                if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) half++;
                return sign | half;
            }
            int half = (e << 10) | (mant >> 13);
            int rest = mant & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++;
            return sign | half;
        }

        static float toFloat(int h) {
            int sign = (h & 0x8000) << 16;
            int exp = (h >>> 10) & 0x1f;
            int mant = h & 0x3ff;
            if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            if (exp == 0) {
                float v = mant / 1024f * (float) Math.pow(2, -14);
                return sign != 0 ? -v : v;
            }
            return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
        }
    }

    /** Little-endian primitive writer over a 1 MiB buffer; tracks its position for alignment padding. */
    private static final class LittleEndianOut implements AutoCloseable {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long flushed;

        LittleEndianOut(OutputStream out) {
            this.out = out;
        }

        private ByteBuffer room(int bytes) throws IOException {
            if (buf.remaining() < bytes) flush();
            return buf;
        }

        private void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            flushed += buf.position();
            buf.clear();
        }

        void u8(int v) throws IOException {
            room(1).put((byte) v);
        }

        void u16(int v) throws IOException {
            room(2).putShort((short) v);
        }

        void u32(int v) throws IOException {
            room(4).putInt(v);
        }

        void u64(long v) throws IOException {
            room(8).putLong(v);
        }

        void f32(float v) throws IOException {
            room(4).putFloat(v);
        }

        void bytes(byte[] b) throws IOException {
            flush();
            out.write(b);
            flushed += b.length;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            if (b.length <= buf.capacity()) room(b.length).put(b);
            else bytes(b);
        }

        void padTo(int alignment) throws IOException {
            while ((flushed + buf.position()) % alignment != 0) u8(0);
        }

        @Override
        public void close() throws IOException {
            flush();
            out.close();
        }
    }
}
