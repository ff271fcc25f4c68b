package io.xaichat.worker.image;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Creates input tensors in whatever element type a model declares and reads outputs back as floats. Real Stable
 * Diffusion exports differ: float32 or float16 activations, int32 or int64 token ids, timesteps as float or int64.
 */
final class TensorIo {
    private final OrtEnvironment env;

    TensorIo(OrtEnvironment env) {
        this.env = env;
    }

    static TensorInfo inputInfo(OrtSession session, String name) throws OrtException {
        NodeInfo node = session.getInputInfo().get(name);
        if (node == null) {
            throw new IllegalArgumentException("model has no input '" + name + "'; its inputs are "
                    + session.getInputNames());
        }
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException("model input '" + name + "' is not a tensor: " + node.getInfo());
        }
        return info;
    }

    /** Real values as float32, float16 or float64 per {@code type}. */
    OnnxTensor reals(float[] values, long[] shape, OnnxJavaType type) throws OrtException {
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
            case FLOAT16 -> OnnxTensor.createTensor(env,
                    Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(values)), shape, OnnxJavaType.FLOAT16);
            case DOUBLE -> {
                double[] d = new double[values.length];
                for (int i = 0; i < d.length; i++) d[i] = values[i];
                yield OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape);
            }
            default -> throw new IllegalArgumentException("expected a floating point input, the model wants " + type);
        };
    }

    /** Whole numbers (token ids, timesteps) in the integer or floating type the model declares. */
    OnnxTensor integers(long[] values, long[] shape, OnnxJavaType type) throws OrtException {
        return switch (type) {
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
            case INT32 -> {
                int[] ints = new int[values.length];
                for (int i = 0; i < ints.length; i++) ints[i] = Math.toIntExact(values[i]);
                yield OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
            }
            case FLOAT, FLOAT16, DOUBLE -> {
                float[] reals = new float[values.length];
                for (int i = 0; i < reals.length; i++) reals[i] = values[i];
                yield reals(reals, shape, type);
            }
            default -> throw new IllegalArgumentException("expected a numeric input, the model wants " + type);
        };
    }

    /** A tensor's values as float32, whatever its floating point type. */
    static float[] floats(OnnxTensor tensor) {
        OnnxJavaType type = tensor.getInfo().type;
        return switch (type) {
            case FLOAT -> copy(tensor.getFloatBuffer());
            case FLOAT16 -> {
                ShortBuffer halfs = tensor.getShortBuffer();
                float[] out = new float[halfs.remaining()];
                for (int i = 0; i < out.length; i++) out[i] = Fp16Conversions.fp16ToFloat(halfs.get(i));
                yield out;
            }
            case DOUBLE -> {
                DoubleBuffer d = tensor.getDoubleBuffer();
                float[] out = new float[d.remaining()];
                for (int i = 0; i < out.length; i++) out[i] = (float) d.get(i);
                yield out;
            }
            default -> throw new IllegalArgumentException("expected a floating point output, the model gave " + type);
        };
    }

    private static float[] copy(FloatBuffer buffer) {
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
