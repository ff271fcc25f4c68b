package io.xaichat.worker.onnx;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an {@code .onnx} file declares, read from its protobuf without ONNX Runtime and without reading its weights:
 * the graph's inputs and outputs (names, element types, shapes with symbolic dims), the external data files its
 * tensors point to, and the operators it uses. Lets the worker say "decoder_model_merged_fp16.onnx_data is missing"
 * instead of ONNX Runtime's "model_path must not be empty", and lets {@code xaichat models check} inspect a download
 * in seconds.
 *
 * @param externalData file names (relative to the graph's directory) that tensors keep their data in
 * @param operators operator types used, as {@code domain:op} ({@code ai.onnx} for the standard domain)
 * @param float16Tensors whether any initializer or graph value is float16
 */
public record OnnxGraphFile(Path file, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs,
                            Set<String> externalData, Set<String> operators, boolean float16Tensors) {

    // ONNX protobuf field numbers (onnx/onnx.proto3).
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12,
            GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5, NODE_DOMAIN = 7;
    private static final int ATTR_T = 5, ATTR_G = 6, ATTR_TENSORS = 10, ATTR_GRAPHS = 11;
    private static final int TENSOR_DATA_TYPE = 2, TENSOR_NAME = 8, TENSOR_EXTERNAL_DATA = 13, TENSOR_LOCATION = 14;
    private static final int SPARSE_VALUES = 1, SPARSE_INDICES = 2;
    private static final int VALUE_NAME = 1, VALUE_TYPE = 2, TYPE_TENSOR = 1, TENSOR_ELEM_TYPE = 1, TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2;
    private static final int DATA_LOCATION_EXTERNAL = 1;
    private static final int FLOAT16 = 10;

    /** Reads {@code file}. */
    public static OnnxGraphFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("ONNX model file not found: " + file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Parser p = new Parser(new ProtoReader(channel));
            long end = channel.size();
            boolean sawGraph = false;
            for (long tag; (tag = p.in.tag(end)) >= 0; ) {
                if (field(tag) == MODEL_GRAPH && wire(tag) == ProtoReader.LENGTH_DELIMITED) {
                    p.graph(p.in.lengthEnd(), true);
                    sawGraph = true;
                } else {
                    p.in.skip(wire(tag));
                }
            }
            if (!sawGraph) throw new IOException(file + " holds no ONNX graph (is it an ONNX model?)");
            Map<String, TensorSpec> inputs = new LinkedHashMap<>();
            for (TensorSpec s : p.inputs) {
                if (!p.initializers.contains(s.name())) inputs.put(s.name(), s); // old exports list weights as inputs
            }
            Map<String, TensorSpec> outputs = new LinkedHashMap<>();
            for (TensorSpec s : p.outputs) outputs.put(s.name(), s);
            return new OnnxGraphFile(file, inputs, outputs,
                    new TreeSet<>(p.external), new TreeSet<>(p.operators), p.float16);
        } catch (IOException e) {
            throw new IOException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The external data files this graph needs that are not next to it. */
    public List<Path> missingExternalData() {
        List<Path> missing = new ArrayList<>();
        Path dir = file.toAbsolutePath().getParent();
        for (String location : externalData) {
            Path data = dir.resolve(location).normalize();
            if (!Files.isRegularFile(data)) missing.add(data);
        }
        return missing;
    }

    private static int field(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wire(long tag) {
        return (int) (tag & 7);
    }

    private static final class Parser {
        final ProtoReader in;
        final List<TensorSpec> inputs = new ArrayList<>();
        final List<TensorSpec> outputs = new ArrayList<>();
        final Set<String> initializers = new LinkedHashSet<>();
        final Set<String> external = new LinkedHashSet<>();
        final Set<String> operators = new LinkedHashSet<>();
        boolean float16;

        Parser(ProtoReader in) {
            this.in = in;
        }

        void graph(long end, boolean top) throws IOException {
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if (wire(tag) != ProtoReader.LENGTH_DELIMITED) {
                    in.skip(wire(tag));
                } else if (f == GRAPH_NODE) {
                    node(in.lengthEnd());
                } else if (f == GRAPH_INITIALIZER) {
                    String name = tensor(in.lengthEnd());
                    if (top) initializers.add(name);
                } else if (f == GRAPH_SPARSE_INITIALIZER) {
                    sparse(in.lengthEnd());
                } else if (top && (f == GRAPH_INPUT || f == GRAPH_OUTPUT)) {
                    TensorSpec spec = valueInfo(in.lengthEnd());
                    (f == GRAPH_INPUT ? inputs : outputs).add(spec);
                    if ("FLOAT16".equals(spec.type())) float16 = true;
                } else {
                    in.skip(ProtoReader.LENGTH_DELIMITED);
                }
            }
        }

        void node(long end) throws IOException {
            String op = "";
            String domain = "";
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if (f == NODE_OP_TYPE && wire(tag) == ProtoReader.LENGTH_DELIMITED) op = in.string();
                else if (f == NODE_DOMAIN && wire(tag) == ProtoReader.LENGTH_DELIMITED) domain = in.string();
                else if (f == NODE_ATTRIBUTE && wire(tag) == ProtoReader.LENGTH_DELIMITED) attribute(in.lengthEnd());
                else in.skip(wire(tag));
            }
            operators.add((domain.isEmpty() ? "ai.onnx" : domain) + ":" + op);
        }

        void attribute(long end) throws IOException {
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if (wire(tag) != ProtoReader.LENGTH_DELIMITED) in.skip(wire(tag));
                else if (f == ATTR_T || f == ATTR_TENSORS) tensor(in.lengthEnd());
                else if (f == ATTR_G || f == ATTR_GRAPHS) graph(in.lengthEnd(), false); // If branches, loops
                else in.skip(ProtoReader.LENGTH_DELIMITED);
            }
        }

        void sparse(long end) throws IOException {
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if ((f == SPARSE_VALUES || f == SPARSE_INDICES) && wire(tag) == ProtoReader.LENGTH_DELIMITED) {
                    tensor(in.lengthEnd());
                } else {
                    in.skip(wire(tag));
                }
            }
        }

        /** Records a tensor's external data file and type; returns its name. */
        String tensor(long end) throws IOException {
            String name = "";
            boolean externalLocation = false;
            String location = null;
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if (f == TENSOR_NAME && wire(tag) == ProtoReader.LENGTH_DELIMITED) {
                    name = in.string();
                } else if (f == TENSOR_DATA_TYPE && wire(tag) == ProtoReader.VARINT) {
                    if (in.varint() == FLOAT16) float16 = true;
                } else if (f == TENSOR_LOCATION && wire(tag) == ProtoReader.VARINT) {
                    externalLocation = in.varint() == DATA_LOCATION_EXTERNAL;
                } else if (f == TENSOR_EXTERNAL_DATA && wire(tag) == ProtoReader.LENGTH_DELIMITED) {
                    String[] entry = entry(in.lengthEnd());
                    if ("location".equals(entry[0])) location = entry[1];
                } else {
                    in.skip(wire(tag));
                }
            }
            if (externalLocation && location != null) external.add(location);
            return name;
        }

        String[] entry(long end) throws IOException {
            String[] kv = {"", ""};
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if ((f == 1 || f == 2) && wire(tag) == ProtoReader.LENGTH_DELIMITED) kv[f - 1] = in.string();
                else in.skip(wire(tag));
            }
            return kv;
        }

        TensorSpec valueInfo(long end) throws IOException {
            String name = "";
            int elemType = 0;
            List<Object> dims = new ArrayList<>();
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                int f = field(tag);
                if (f == VALUE_NAME && wire(tag) == ProtoReader.LENGTH_DELIMITED) {
                    name = in.string();
                } else if (f == VALUE_TYPE && wire(tag) == ProtoReader.LENGTH_DELIMITED) {
                    long typeEnd = in.lengthEnd();
                    for (long t; (t = in.tag(typeEnd)) >= 0; ) {
                        if (field(t) == TYPE_TENSOR && wire(t) == ProtoReader.LENGTH_DELIMITED) {
                            long tensorEnd = in.lengthEnd();
                            for (long u; (u = in.tag(tensorEnd)) >= 0; ) {
                                if (field(u) == TENSOR_ELEM_TYPE && wire(u) == ProtoReader.VARINT) {
                                    elemType = (int) in.varint();
                                } else if (field(u) == TENSOR_SHAPE && wire(u) == ProtoReader.LENGTH_DELIMITED) {
                                    shape(in.lengthEnd(), dims);
                                } else {
                                    in.skip(wire(u));
                                }
                            }
                        } else {
                            in.skip(wire(t));
                        }
                    }
                } else {
                    in.skip(wire(tag));
                }
            }
            return TensorSpec.of(name, elemType, dims);
        }

        void shape(long end, List<Object> dims) throws IOException {
            for (long tag; (tag = in.tag(end)) >= 0; ) {
                if (field(tag) != SHAPE_DIM || wire(tag) != ProtoReader.LENGTH_DELIMITED) {
                    in.skip(wire(tag));
                    continue;
                }
                long dimEnd = in.lengthEnd();
                Object dim = "?";
                for (long t; (t = in.tag(dimEnd)) >= 0; ) {
                    if (field(t) == DIM_VALUE && wire(t) == ProtoReader.VARINT) dim = in.varint();
                    else if (field(t) == DIM_PARAM && wire(t) == ProtoReader.LENGTH_DELIMITED) dim = in.string();
                    else in.skip(wire(t));
                }
                dims.add(dim);
            }
        }
    }

    /** Maps an ONNX element type code (TensorProto.DataType) to ONNX Runtime's Java name (FLOAT, FLOAT16, ...). */
    static String typeName(int code) {
        return switch (code) {
            case 1 -> "FLOAT";
            case 2 -> "UINT8";
            case 3 -> "INT8";
            case 5 -> "INT16";
            case 6 -> "INT32";
            case 7 -> "INT64";
            case 8 -> "STRING";
            case 9 -> "BOOL";
            case 10 -> "FLOAT16";
            case 11 -> "DOUBLE";
            case 16 -> "BFLOAT16";
            default -> "ONNX_TYPE_" + code;
        };
    }
}
