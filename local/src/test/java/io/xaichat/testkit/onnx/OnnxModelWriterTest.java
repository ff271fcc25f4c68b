package io.xaichat.testkit.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelWriterTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    @Test
    void ortComputesMatMulPlusBiasWithTheWrittenWeights() throws Exception {
        OnnxModelWriter m = new OnnxModelWriter("affine");
        m.input("x", OnnxType.FLOAT, "batch", 3);
        m.output("y", OnnxType.FLOAT, "batch", 2);
        m.initializer("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        String xw = m.op("MatMul", "x", "w").output();
        m.node("Add").in(xw, m.floats(new float[] {0.5f, -1}, 2)).out("y");

        try (OrtSession s = ENV.createSession(m.write(dir.resolve("affine.onnx")).toString());
             OnnxTensor x = OnnxTensor.createTensor(ENV, new float[][] {{1, 0, 2}, {-1, 1, 1}});
             OrtSession.Result r = s.run(Map.of("x", x))) {
            // [1,0,2]·w = [1+10, 2+12] = [11, 14]; [-1,1,1]·w = [-1+3+5, -2+4+6] = [7, 8]; then + [0.5, -1].
            float[][] y = (float[][]) r.get(0).getValue();
            assertThat(y[0]).containsExactly(11.5f, 13f);
            assertThat(y[1]).containsExactly(7.5f, 7f);
        }
    }

    @Test
    void inputsKeepTheirDtypesAndSymbolicOrFixedDims() throws Exception {
        OnnxModelWriter m = new OnnxModelWriter("ids");
        m.input("input_ids", OnnxType.INT64, "batch", 77);
        m.output("as_float", OnnxType.FLOAT16, "batch", 77);
        String f = m.op("Cast", "input_ids").attr("to", OnnxType.FLOAT.code()).output();
        m.node("Cast").in(f).out("as_float").attr("to", OnnxType.FLOAT16.code());

        try (OrtSession s = ENV.createSession(m.write(dir.resolve("ids.onnx")).toString())) {
            TensorInfo in = (TensorInfo) s.getInputInfo().get("input_ids").getInfo();
            assertThat(in.type).isEqualTo(OnnxJavaType.INT64);
            assertThat(in.getShape()).containsExactly(-1, 77);
            assertThat(in.getDimensionNames()).containsExactly("batch", "");
            NodeInfo out = s.getOutputInfo().get("as_float");
            assertThat(((TensorInfo) out.getInfo()).type).isEqualTo(OnnxJavaType.FLOAT16);

            try (OnnxTensor ids = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[77]), new long[] {1, 77});
                 OrtSession.Result r = s.run(Map.of("input_ids", ids))) {
                assertThat(((OnnxTensor) r.get(0)).getFloatBuffer().get(0)).isZero();
            }
        }
    }

    @Test
    void intsFloatStringAndTensorAttributesReachTheOperators() throws Exception {
        OnnxModelWriter m = new OnnxModelWriter("attrs");
        m.input("x", OnnxType.FLOAT, 1, 2, 3);
        m.output("y", OnnxType.FLOAT, 1, 3, 4);
        // ints: Transpose [1,2,3] → [1,3,2]; tensor: ConstantOfShape filled with 0.25; float: LeakyRelu alpha;
        // string: Resize nearest doubles the last axis 2 → 4; fp16 initializer cast back to float.
        String t = m.op("Transpose", "x").ints("perm", 0, 2, 1).output();
        String quarter = m.op("ConstantOfShape", m.longs(1, 3, 2))
                .attr("value", OnnxModelWriter.Tensor.floats(new float[] {0.25f}, 1)).output();
        String leaky = m.op("LeakyRelu", m.op("Add", t, quarter).output()).attr("alpha", 0.5f).output();
        String half = m.fresh("half");
        m.initializer(half, OnnxModelWriter.Tensor.halfs(new float[] {2f}, 1));
        String scaled = m.op("Mul", leaky, m.op("Cast", half).attr("to", OnnxType.FLOAT.code()).output()).output();
        m.node("Resize").in(scaled, "", m.floats(new float[] {1, 1, 2}, 3)).out("y").attr("mode", "nearest");

        try (OrtSession s = ENV.createSession(m.write(dir.resolve("attrs.onnx")).toString());
             OnnxTensor x = OnnxTensor.createTensor(ENV,
                     FloatBuffer.wrap(new float[] {1, 2, 3, -4, -5, -6}), new long[] {1, 2, 3});
             OrtSession.Result r = s.run(Map.of("x", x))) {
            float[][][] y = (float[][][]) r.get(0).getValue();
            // Row 0 of the transpose is [1, -4] → +0.25 → [1.25, -3.75] → leaky → [1.25, -1.875] → ×2 → [2.5, -3.75].
            assertThat(y[0][0][0]).isCloseTo(2.5f, within(1e-6f));
            assertThat(y[0][0][1]).isCloseTo(2.5f, within(1e-6f));
            assertThat(y[0][0][2]).isCloseTo(-3.75f, within(1e-6f));
            assertThat(y[0][0][3]).isCloseTo(-3.75f, within(1e-6f));
            assertThat(y[0][2][2]).isCloseTo(2 * 0.5f * (-6 + 0.25f), within(1e-6f));
        }
    }
}
