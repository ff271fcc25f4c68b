package io.xaichat.worker.onnx;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire format from a file without loading it: fields are visited in order, and length-delimited
 * fields that are not wanted (weights stored inside the graph, up to gigabytes) are skipped by moving the file
 * position instead of reading them.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long bufferStart; // file offset of buffer[0]

    ProtoReader(FileChannel channel) {
        this.channel = channel;
        buffer.limit(0);
    }

    /** File offset of the next byte to read. */
    long position() {
        return bufferStart + buffer.position();
    }

    /** The next field's tag (field number << 3 | wire type), or -1 at {@code end}. */
    long tag(long end) throws IOException {
        return position() >= end ? -1 : varint();
    }

    long varint() throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = next();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new IOException("malformed varint at offset " + position());
    }

    /** The end offset of the length-delimited field that starts here. */
    long lengthEnd() throws IOException {
        long length = varint();
        if (length < 0) throw new IOException("negative length at offset " + position());
        return position() + length;
    }

    String string() throws IOException {
        long end = lengthEnd();
        long length = end - position();
        if (length > 1 << 20) throw new IOException("string field of " + length + " bytes at offset " + position());
        byte[] bytes = new byte[(int) length];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) next();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Skips the value of a field of {@code wireType}. */
    void skip(int wireType) throws IOException {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> seek(position() + 8);
            case FIXED32 -> seek(position() + 4);
            case LENGTH_DELIMITED -> seek(lengthEnd());
            default -> throw new IOException("unsupported protobuf wire type " + wireType + " at offset " + position());
        }
    }

    void seek(long offset) throws IOException {
        if (offset >= bufferStart && offset <= bufferStart + buffer.limit()) {
            buffer.position((int) (offset - bufferStart));
        } else {
            bufferStart = offset;
            buffer.limit(0);
        }
    }

    private int next() throws IOException {
        if (!buffer.hasRemaining()) {
            bufferStart += buffer.limit();
            buffer.clear();
            int n = channel.read(buffer, bufferStart);
            buffer.flip();
            if (n <= 0) throw new EOFException("ONNX file ends inside a field at offset " + bufferStart);
        }
        return buffer.get() & 0xFF;
    }
}
