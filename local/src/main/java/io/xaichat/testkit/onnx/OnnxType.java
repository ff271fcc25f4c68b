package io.xaichat.testkit.onnx;

/** ONNX tensor element types ({@code TensorProto.DataType}) used by the test models, with their byte widths. */
public enum OnnxType {
    FLOAT(1, 4), UINT8(2, 1), INT8(3, 1), INT32(6, 4), INT64(7, 8), BOOL(9, 1), FLOAT16(10, 2), DOUBLE(11, 8);

    final int code;
    final int bytes;

    OnnxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The code ONNX uses in {@code TensorProto.data_type} and in {@code Cast}'s {@code to} attribute. */
    public int code() {
        return code;
    }
}
