package io.xaichat.testkit.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the protobuf wire format that ONNX files need: varints, fixed32 floats and length-delimited
 * fields (strings, bytes, nested messages). Fields are appended in call order; protobuf readers accept any order.
 */
final class Protobuf {
    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Protobuf varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    Protobuf fixed32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    Protobuf bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    Protobuf string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Protobuf message(int field, Protobuf nested) {
        return bytes(field, nested.toBytes());
    }

    /** A repeated int64 field written packed (the proto3 default, which ONNX's readers expect to accept). */
    Protobuf packedVarints(int field, long[] values) {
        Protobuf packed = new Protobuf();
        for (long v : values) packed.rawVarint(v);
        return bytes(field, packed.toBytes());
    }

    /** Appends another message's fields to this one (protobuf messages concatenate). */
    Protobuf append(Protobuf fields) {
        out.writeBytes(fields.toBytes());
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        // Negative int64 values take the full 10 bytes, as protobuf specifies.
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
