package io.xaichat.worker.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A graph input or output as declared: name, element type (ONNX Runtime's Java name: FLOAT, FLOAT16, INT64, BOOL,
 * ...) and dims, each a {@code Long} (fixed) or a {@code String} (symbolic). The same description comes from an
 * ONNX Runtime session or from the file itself ({@link OnnxGraphFile}), so the load check and
 * {@code xaichat models check} judge an export by the same rules.
 */
public record TensorSpec(String name, String type, List<Object> dims) {

    public TensorSpec {
        dims = List.copyOf(dims);
    }

    static TensorSpec of(String name, int onnxElementType, List<Object> dims) {
        return new TensorSpec(name, OnnxGraphFile.typeName(onnxElementType), dims);
    }

    /** From a session's metadata; symbolic dims keep their names where ONNX Runtime reports them. */
    public static TensorSpec of(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            return new TensorSpec(node.getName(), "NOT_A_TENSOR", List.of());
        }
        long[] shape = info.getShape();
        String[] names = info.getDimensionNames();
        List<Object> dims = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            String symbol = names != null && i < names.length ? names[i] : "";
            dims.add(shape[i] >= 0 ? (Object) shape[i] : symbol == null || symbol.isEmpty() ? "?" : symbol);
        }
        return new TensorSpec(node.getName(), info.type.name(), dims);
    }

    /** All inputs or outputs of a session, in declaration order. */
    public static Map<String, TensorSpec> of(Map<String, NodeInfo> nodes) {
        Map<String, TensorSpec> specs = new java.util.LinkedHashMap<>();
        nodes.forEach((name, node) -> specs.put(name, of(node)));
        return specs;
    }

    public int rank() {
        return dims.size();
    }

    /** The fixed size of dim {@code i}, or -1 when it is symbolic. */
    public long fixed(int i) {
        return dims.get(i) instanceof Long l ? l : -1;
    }

    @Override
    public String toString() {
        return name + " " + type + " [" + dims.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]";
    }
}
