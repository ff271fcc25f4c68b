package io.xaichat.testkit.onnx;

import ai.onnxruntime.platform.Fp16Conversions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Builds an ONNX model (one graph) and writes it as a {@code ModelProto}, without any protobuf library. Enough for
 * small test models with the real input/output names, dtypes and shape ranks:
 *
 * <pre>{@code
 * OnnxModelWriter m = new OnnxModelWriter("affine");
 * m.input("x", OnnxType.FLOAT, "batch", 3);
 * m.output("y", OnnxType.FLOAT, "batch", 2);
 * m.initializer("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
 * String xw = m.op("MatMul", "x", "w").output();
 * m.node("Add").in(xw, m.floats(new float[] {0.5f, -1}, 2)).out("y");
 * m.write(dir.resolve("model.onnx"));
 * }</pre>
 *
 * Dims are given as {@code Object...}: a {@code String} is a symbolic dim, a number a fixed one.
 */
public final class OnnxModelWriter {
    /** IR 8 and opset 17: what Debian's onnx 1.12 writes and every ORT since 1.13 reads. */
    public static final int IR_VERSION = 8;
    public static final int OPSET = 17;

    private final String graphName;
    private final List<Protobuf> inputs = new ArrayList<>();
    private final List<Protobuf> outputs = new ArrayList<>();
    private final List<java.util.Map.Entry<String, Tensor>> initializers = new ArrayList<>();
    private final java.util.Map<String, Integer> opsets = new java.util.LinkedHashMap<>();
    private String externalData;
    private long externalThreshold;
    private final List<Node> nodes = new ArrayList<>();
    private int opset = OPSET;
    private int counter;

    public OnnxModelWriter(String graphName) {
        this.graphName = graphName;
    }

    public OnnxModelWriter opset(int version) {
        this.opset = version;
        return this;
    }

    /** Also imports {@code domain} (e.g. {@code com.microsoft} for ONNX Runtime's contrib operators). */
    public OnnxModelWriter opsetImport(String domain, int version) {
        opsets.put(domain, version);
        return this;
    }

    /**
     * Stores every initializer of at least {@code minBytes} in {@code fileName} next to the graph, as exports over
     * 2 GB do (ONNX external data: {@code data_location = EXTERNAL}, {@code location}/{@code offset}/{@code length}).
     */
    public OnnxModelWriter externalData(String fileName, long minBytes) {
        this.externalData = fileName;
        this.externalThreshold = minBytes;
        return this;
    }

    public OnnxModelWriter input(String name, OnnxType type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
        return this;
    }

    public OnnxModelWriter output(String name, OnnxType type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
        return this;
    }

    public OnnxModelWriter initializer(String name, Tensor tensor) {
        initializers.add(java.util.Map.entry(name, tensor));
        return this;
    }

    public OnnxModelWriter initializer(String name, float[] values, long... dims) {
        return initializer(name, Tensor.floats(values, dims));
    }

    /** A node whose inputs and outputs are set on the returned builder. */
    public Node node(String opType) {
        Node node = new Node(opType, "n" + nodes.size() + "_" + opType);
        nodes.add(node);
        return node;
    }

    /** A node on {@code inputs} with one freshly named output ({@link Node#output()}); "" skips an optional input. */
    public Node op(String opType, String... inputs) {
        return node(opType).in(inputs).out(fresh(opType.toLowerCase()));
    }

    /** A new unique value name. */
    public String fresh(String prefix) {
        return prefix + "_" + counter++;
    }

    /** An initializer with a fresh name holding {@code values}; returns its name. */
    public String floats(float[] values, long... dims) {
        String name = fresh("const");
        initializer(name, Tensor.floats(values, dims));
        return name;
    }

    /** A 1-D int64 initializer with a fresh name (shapes, axes, indices); returns its name. */
    public String longs(long... values) {
        String name = fresh("const");
        initializer(name, Tensor.longs(values, values.length));
        return name;
    }

    /** A float scalar initializer; returns its name. */
    public String scalar(float value) {
        return floats(new float[] {value});
    }

    /** Uniform random weights in [−scale, scale) of the given type (FLOAT or FLOAT16); returns the name. */
    public String random(Random rng, float scale, OnnxType type, long... dims) {
        float[] values = new float[Math.toIntExact(Arrays.stream(dims).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < values.length; i++) values[i] = (rng.nextFloat() * 2 - 1) * scale;
        String name = fresh("w");
        initializer(name, type == OnnxType.FLOAT16 ? Tensor.halfs(values, dims) : Tensor.floats(values, dims));
        return name;
    }

    /** The model with every initializer inline. */
    public byte[] toBytes() {
        return toBytes(null);
    }

    /** The model; initializers over the threshold go to {@code data} when it is not null. */
    private byte[] toBytes(java.io.ByteArrayOutputStream data) {
        Protobuf graph = new Protobuf();
        for (Node n : nodes) graph.message(1, n.proto());
        graph.string(2, graphName);
        for (java.util.Map.Entry<String, Tensor> t : initializers) {
            Tensor tensor = t.getValue();
            if (data != null && tensor.raw().length >= externalThreshold) {
                while (data.size() % 64 != 0) data.write(0); // aligned as onnx.external_data_helper does
                long offset = data.size();
                data.writeBytes(tensor.raw());
                graph.message(5, tensor.externalProto(t.getKey(), externalData, offset));
            } else {
                graph.message(5, tensor.proto(t.getKey()));
            }
        }
        for (Protobuf i : inputs) graph.message(11, i);
        for (Protobuf o : outputs) graph.message(12, o);
        Protobuf model = new Protobuf()
                .varint(1, IR_VERSION)
                .string(2, "xaichat-testkit")
                .message(7, graph)
                .message(8, new Protobuf().string(1, "").varint(2, opset));
        opsets.forEach((domain, version) -> model.message(8, new Protobuf().string(1, domain).varint(2, version)));
        return model.toBytes();
    }

    /** Writes the graph, and its external data file next to it when one was asked for. */
    public Path write(Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            if (externalData == null) return Files.write(file, toBytes());
            java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
            byte[] graph = toBytes(data);
            Files.write(file.resolveSibling(externalData), data.toByteArray());
            return Files.write(file, graph);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Protobuf valueInfo(String name, OnnxType type, Object[] dims) {
        Protobuf shape = new Protobuf();
        for (Object d : dims) {
            Protobuf dim = new Protobuf();
            if (d instanceof String symbolic) dim.string(2, symbolic);
            else if (d instanceof Number fixed) dim.varint(1, fixed.longValue());
            else throw new IllegalArgumentException("dim must be a String (symbolic) or a number, got " + d);
            shape.message(1, dim);
        }
        Protobuf tensorType = new Protobuf().varint(1, type.code).message(2, shape);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }

    /** A node under construction: inputs, outputs and attributes. */
    public static final class Node {
        private final String opType;
        private final String name;
        private final List<String> ins = new ArrayList<>();
        private final List<String> outs = new ArrayList<>();
        private final List<Protobuf> attributes = new ArrayList<>();

        private Node(String opType, String name) {
            this.opType = opType;
            this.name = name;
        }

        private String domain = "";

        /** The operator's domain, e.g. {@code com.microsoft}; import it with {@link #opsetImport}. */
        public Node domain(String name) {
            this.domain = name;
            return this;
        }

        public Node in(String... names) {
            ins.addAll(List.of(names));
            return this;
        }

        public Node out(String... names) {
            outs.addAll(List.of(names));
            return this;
        }

        /** The first output's name. */
        public String output() {
            return outs.get(0);
        }

        public Node attr(String attrName, long value) {
            return attribute(attrName, 2, new Protobuf().varint(3, value));
        }

        public Node attr(String attrName, float value) {
            return attribute(attrName, 1, new Protobuf().fixed32(2, value));
        }

        public Node attr(String attrName, String value) {
            return attribute(attrName, 3, new Protobuf().string(4, value));
        }

        public Node attr(String attrName, Tensor value) {
            return attribute(attrName, 4, new Protobuf().message(5, value.proto("")));
        }

        public Node ints(String attrName, long... values) {
            return attribute(attrName, 7, new Protobuf().packedVarints(8, values));
        }

        public Node floats(String attrName, float... values) {
            Protobuf p = new Protobuf();
            for (float v : values) p.fixed32(7, v);
            return attribute(attrName, 6, p);
        }

        private Node attribute(String attrName, int attributeType, Protobuf value) {
            // AttributeProto: name = 1, the value field(s), type = 20.
            attributes.add(new Protobuf().string(1, attrName).append(value).varint(20, attributeType));
            return this;
        }

        private Protobuf proto() {
            Protobuf p = new Protobuf();
            for (String i : ins) p.string(1, i);
            for (String o : outs) p.string(2, o);
            p.string(3, name).string(4, opType);
            for (Protobuf a : attributes) p.message(5, a);
            if (!domain.isEmpty()) p.string(7, domain);
            return p;
        }
    }

    /** Tensor contents as little-endian raw bytes, the form ONNX stores in {@code raw_data}. */
    public record Tensor(OnnxType type, long[] dims, byte[] raw) {

        public static Tensor floats(float[] values, long... dims) {
            ByteBuffer b = buffer(values.length, 4, dims);
            for (float v : values) b.putFloat(v);
            return new Tensor(OnnxType.FLOAT, dims, b.array());
        }

        /** Stored as IEEE half precision. */
        public static Tensor halfs(float[] values, long... dims) {
            ByteBuffer b = buffer(values.length, 2, dims);
            for (float v : values) b.putShort(Fp16Conversions.floatToFp16(v));
            return new Tensor(OnnxType.FLOAT16, dims, b.array());
        }

        /** Raw uint8 values (packed 4-bit weights). */
        public static Tensor bytes(byte[] values, long... dims) {
            ByteBuffer b = buffer(values.length, 1, dims);
            b.put(values);
            return new Tensor(OnnxType.UINT8, dims, b.array());
        }

        public static Tensor ints(int[] values, long... dims) {
            ByteBuffer b = buffer(values.length, 4, dims);
            for (int v : values) b.putInt(v);
            return new Tensor(OnnxType.INT32, dims, b.array());
        }

        public static Tensor longs(long[] values, long... dims) {
            ByteBuffer b = buffer(values.length, 8, dims);
            for (long v : values) b.putLong(v);
            return new Tensor(OnnxType.INT64, dims, b.array());
        }

        private static ByteBuffer buffer(int count, int width, long[] dims) {
            long expected = Arrays.stream(dims).reduce(1, Math::multiplyExact);
            if (expected != count) {
                throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " hold " + expected
                        + " elements but " + count + " values were given");
            }
            return ByteBuffer.allocate(count * width).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** TensorProto whose bytes live in an external file: external_data = 13, data_location = 14 (EXTERNAL). */
        Protobuf externalProto(String name, String location, long offset) {
            Protobuf p = new Protobuf().packedVarints(1, dims).varint(2, type.code).string(8, name);
            p.message(13, new Protobuf().string(1, "location").string(2, location));
            p.message(13, new Protobuf().string(1, "offset").string(2, Long.toString(offset)));
            p.message(13, new Protobuf().string(1, "length").string(2, Long.toString(raw.length)));
            return p.varint(14, 1);
        }

        Protobuf proto(String name) {
            // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
            Protobuf p = new Protobuf().packedVarints(1, dims).varint(2, type.code);
            if (!name.isEmpty()) p.string(8, name);
            return p.bytes(9, raw);
        }
    }
}
