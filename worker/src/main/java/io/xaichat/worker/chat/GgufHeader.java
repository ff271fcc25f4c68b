package io.xaichat.worker.chat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata of a GGUF file (magic, version, key/values), read without touching tensor data, so a model can be
 * checked before it is handed to the native loader. Arrays are read as lists; values keep their Java type
 * (integers as Long, floats as Double, booleans, strings).
 */
public final class GgufHeader {
    private static final byte[] MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final int version;
    private final long tensorCount;
    private final Map<String, Object> values;

    private GgufHeader(Path file, int version, long tensorCount, Map<String, Object> values) {
        this.file = file;
        this.version = version;
        this.tensorCount = tensorCount;
        this.values = Collections.unmodifiableMap(values);
    }

    /** @throws ModelLoadException naming the file when it is missing, not GGUF, or truncated */
    public static GgufHeader read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("model file not found: " + file.toAbsolutePath());
        }
        try (InputStream raw = Files.newInputStream(file)) {
            long size = Files.size(file);
            return new Reader(file, new DataInputStream(new BufferedInputStream(raw, 1 << 16)), size).header();
        } catch (EOFException e) {
            throw new ModelLoadException("model file " + file + " is truncated: its GGUF header ends early", e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public int version() {
        return version;
    }

    public long tensorCount() {
        return tensorCount;
    }

    /** {@code general.architecture}, e.g. {@code llama}, {@code qwen2}. */
    public String architecture() {
        return string("general.architecture").orElseThrow(() -> new ModelLoadException(
                "model file " + file + " has no general.architecture in its GGUF header"));
    }

    /** The context length the model was trained for ({@code <arch>.context_length}), if present. */
    public Optional<Long> contextLength() {
        return integer(architecture() + ".context_length");
    }

    public Map<String, Object> values() {
        return values;
    }

    public Optional<Object> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> string(String key) {
        return value(key).filter(String.class::isInstance).map(String.class::cast);
    }

    public Optional<Long> integer(String key) {
        return value(key).filter(Long.class::isInstance).map(Long.class::cast);
    }

    public Optional<Boolean> bool(String key) {
        return value(key).filter(Boolean.class::isInstance).map(Boolean.class::cast);
    }

    /** Reads the header in file order, checking every length against the file size so garbage cannot OOM us. */
    private static final class Reader {
        private final Path file;
        private final DataInputStream in;
        private final long size;

        Reader(Path file, DataInputStream in, long size) {
            this.file = file;
            this.in = in;
            this.size = size;
        }

        GgufHeader header() throws IOException {
            byte[] magic = new byte[4];
            int n = in.readNBytes(magic, 0, 4);
            if (n < 4 || !java.util.Arrays.equals(magic, MAGIC)) {
                String seen = n == 0 ? "is empty" : "starts with bytes "
                        + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(magic, 0, n);
                throw new ModelLoadException("model file " + file + " is not a GGUF file: it " + seen
                        + " where a GGUF file starts with 'GGUF' (47 47 55 46). The chat engine needs a llama.cpp"
                        + " GGUF model such as " + LlamaArchitectures.SUGGESTED_MODEL);
            }
            int version = u32();
            if (version < 2 || version > 3) {
                throw new ModelLoadException("model file " + file + " is GGUF version " + version
                        + "; only versions 2 and 3 are supported");
            }
            long tensors = count("tensor count");
            long kvs = count("key/value count");
            Map<String, Object> values = new LinkedHashMap<>();
            for (long i = 0; i < kvs; i++) {
                String key = string();
                values.put(key, value(u32(), key));
            }
            return new GgufHeader(file, version, tensors, values);
        }

        private Object value(int type, String key) throws IOException {
            return switch (type) {
                case 0 -> (long) in.readUnsignedByte();
                case 1 -> (long) in.readByte();
                case 2 -> (long) Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
                case 3 -> (long) Short.reverseBytes(in.readShort());
                case 4 -> Integer.toUnsignedLong(u32());
                case 5 -> (long) u32();
                case 6 -> (double) Float.intBitsToFloat(u32());
                case 7 -> in.readUnsignedByte() != 0;
                case 8 -> string();
                case 9 -> array(key);
                case 10, 11 -> u64();
                case 12 -> Double.longBitsToDouble(u64());
                default -> throw new ModelLoadException("model file " + file + " is corrupt: key '" + key
                        + "' has unknown GGUF value type " + type);
            };
        }

        private List<Object> array(String key) throws IOException {
            int type = u32();
            long count = count("length of array '" + key + "'");
            List<Object> list = new ArrayList<>((int) Math.min(count, 1 << 20));
            for (long i = 0; i < count; i++) list.add(value(type, key));
            return list;
        }

        private String string() throws IOException {
            long len = count("string length");
            if (len > 1 << 30) throw new ModelLoadException("model file " + file + " is corrupt: a string of " + len + " bytes");
            byte[] bytes = in.readNBytes((int) len);
            if (bytes.length < len) throw new EOFException();
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** A length or count: never more than the file's size (every element takes at least a byte). */
        private long count(String what) throws IOException {
            long v = u64();
            if (v < 0 || v > size) {
                throw new ModelLoadException("model file " + file + " is corrupt: " + what + " " + Long.toUnsignedString(v)
                        + " exceeds the file size " + size);
            }
            return v;
        }

        private int u32() throws IOException {
            return Integer.reverseBytes(in.readInt());
        }

        private long u64() throws IOException {
            return Long.reverseBytes(in.readLong());
        }
    }
}
