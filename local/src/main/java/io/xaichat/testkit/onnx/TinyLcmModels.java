package io.xaichat.testkit.onnx;

import static io.xaichat.testkit.onnx.OnnxType.FLOAT;
import static io.xaichat.testkit.onnx.OnnxType.FLOAT16;
import static io.xaichat.testkit.onnx.OnnxType.INT32;
import static io.xaichat.testkit.onnx.OnnxType.INT64;

import java.nio.file.Path;
import java.util.Random;

/**
 * A random-weight LCM model directory in the layout of real SD 1.5 ONNX exports: {@code text_encoder/},
 * {@code unet/}, {@code vae_decoder/} (each {@code model.onnx}) and {@code tokenizer/}, with the real input and
 * output names, element types and shape ranks. The graphs are a few operators each, so a step takes milliseconds,
 * but every output depends on every input: another seed or prompt gives another image.
 */
public final class TinyLcmModels {
    public static final int HIDDEN = 16;
    public static final int COND_DIM = 256;
    private static final int TABLE = 1024;

    /** Dtype layouts seen in real exports. */
    public enum Variant {
        /** float32 activations, int32 input_ids, int64 timestep [1]. */
        FLOAT32(FLOAT, INT32, INT64, true),
        /** float16 activations, int64 input_ids, float16 timestep [1]. */
        FLOAT16_INT64_IDS(FLOAT16, INT64, FLOAT16, true),
        /** float32 activations, int64 input_ids, a float32 scalar timestep. */
        FLOAT32_SCALAR_TIMESTEP(FLOAT, INT64, FLOAT, false);

        final OnnxType real;
        final OnnxType ids;
        final OnnxType timestep;
        final boolean timestepVector;

        Variant(OnnxType real, OnnxType ids, OnnxType timestep, boolean timestepVector) {
            this.real = real;
            this.ids = ids;
            this.timestep = timestep;
            this.timestepVector = timestepVector;
        }
    }

    private TinyLcmModels() {}

    /** Writes the four parts under {@code dir}; the tokenizer knows {@code words} as whole tokens. */
    public static Path write(Path dir, Variant variant, long weightSeed, String... words) {
        return write(dir, variant, weightSeed, null, words);
    }

    /**
     * Like {@link #write(Path, Variant, long, String...)}, declaring inputs and outputs (and external data) exactly
     * as {@code contract} says when it is not null.
     */
    public static Path write(Path dir, Variant variant, long weightSeed, ExportContracts.Lcm contract, String... words) {
        Random rng = new Random(weightSeed);
        textEncoder(variant, rng, contract == null ? null : contract.textEncoder())
                .write(dir.resolve("text_encoder/model.onnx"));
        unet(variant, rng, contract == null ? null : contract.unet()).write(dir.resolve("unet/model.onnx"));
        vaeDecoder(variant, rng, contract == null ? null : contract.vaeDecoder())
                .write(dir.resolve("vae_decoder/model.onnx"));
        ClipTestVocab.write(dir.resolve("tokenizer"), words);
        return dir;
    }

    /** input_ids [batch, sequence] → last_hidden_state [batch, sequence, H], pooler_output [batch, H]. */
    static OnnxModelWriter textEncoder(Variant v, Random rng, ExportContracts.Graph contract) {
        OnnxModelWriter m = new OnnxModelWriter("text_encoder");
        if (contract != null) {
            ContractFixtures.declare(m, contract);
        } else {
            m.input("input_ids", v.ids, "batch", "sequence");
            m.output("last_hidden_state", v.real, "batch", "sequence", HIDDEN);
            m.output("pooler_output", v.real, "batch", HIDDEN);
        }
        String ids = v.ids == INT64 ? "input_ids" : m.op("Cast", "input_ids").attr("to", INT64.code()).output();
        // Ids reach 49407; folding them into a small table keeps the file small and still separates tokens.
        String folded = m.op("Mod", ids, m.longs(TABLE)).output();
        String embedded = m.op("Gather", m.random(rng, 1f, FLOAT, TABLE, HIDDEN), folded).output();
        String positions = m.random(rng, 0.1f, FLOAT, 77, HIDDEN);
        String mixed = m.op("MatMul", m.op("Add", embedded, positions).output(),
                m.random(rng, 0.5f, FLOAT, HIDDEN, HIDDEN)).output();
        String hidden = m.op("Tanh", mixed).output();
        m.node("Cast").in(hidden).out("last_hidden_state").attr("to", v.real.code());
        String pooled = m.op("ReduceMean", hidden).ints("axes", 1).attr("keepdims", 0L).output();
        m.node("Cast").in(pooled).out("pooler_output").attr("to", v.real.code());
        return m;
    }

    /**
     * sample [batch, 4, height, width], timestep [steps] or scalar, encoder_hidden_states [batch, sequence, H],
     * timestep_cond [batch, 256] → out_sample [batch, 4, height, width]: tanh of a 3×3 convolution of the sample
     * plus per-channel offsets from the text, the timestep and the guidance embedding.
     */
    static OnnxModelWriter unet(Variant v, Random rng, ExportContracts.Graph contract) {
        OnnxModelWriter m = new OnnxModelWriter("unet");
        if (contract != null) {
            ContractFixtures.declare(m, contract);
        } else {
            m.input("sample", v.real, "batch", 4, "height", "width");
            if (v.timestepVector) m.input("timestep", v.timestep, "steps");
            else m.input("timestep", v.timestep);
            m.input("encoder_hidden_states", v.real, "batch", "sequence", HIDDEN);
            m.input("timestep_cond", v.real, "batch", COND_DIM);
            m.output("out_sample", v.real, "batch", 4, "height", "width");
        }

        String sample = toFloat(m, "sample", v.real);
        String conv = m.op("Conv", sample, m.random(rng, 0.3f, FLOAT, 4, 4, 3, 3), m.random(rng, 0.1f, FLOAT, 4))
                .ints("pads", 1, 1, 1, 1).output();
        String text = m.op("ReduceMean", toFloat(m, "encoder_hidden_states", v.real))
                .ints("axes", 1).attr("keepdims", 0L).output();
        String textOffset = channelOffsets(m, m.op("MatMul", text, m.random(rng, 1f, FLOAT, HIDDEN, 4)).output());
        String t = m.op("Mul", toFloat(m, "timestep", v.timestep), m.scalar(0.001f)).output();
        String timeOffset = m.op("Reshape", m.op("Mul", t, m.random(rng, 1f, FLOAT, 4)).output(),
                m.longs(1, 4, 1, 1)).output();
        String condOffset = channelOffsets(m,
                m.op("MatMul", toFloat(m, "timestep_cond", v.real), m.random(rng, 0.1f, FLOAT, COND_DIM, 4)).output());
        String sum = m.op("Add", m.op("Add", conv, textOffset).output(),
                m.op("Add", timeOffset, condOffset).output()).output();
        m.node("Cast").in(m.op("Tanh", sum).output()).out("out_sample").attr("to", v.real.code());
        return m;
    }

    /** latent_sample [batch, 4, h, w] → sample [batch, 3, 8h, 8w] in [−1, 1]. */
    static OnnxModelWriter vaeDecoder(Variant v, Random rng, ExportContracts.Graph contract) {
        OnnxModelWriter m = new OnnxModelWriter("vae_decoder");
        if (contract != null) {
            ContractFixtures.declare(m, contract);
        } else {
            m.input("latent_sample", v.real, "batch", 4, "latent_height", "latent_width");
            m.output("sample", v.real, "batch", 3, "height", "width");
        }
        String up = m.op("Resize", toFloat(m, "latent_sample", v.real), "", m.floats(new float[] {1, 1, 8, 8}, 4))
                .attr("mode", "linear").output();
        String rgb = m.op("Conv", up, m.random(rng, 0.05f, FLOAT, 3, 4, 3, 3), m.random(rng, 0.1f, FLOAT, 3))
                .ints("pads", 1, 1, 1, 1).output();
        m.node("Cast").in(m.op("Tanh", rgb).output()).out("sample").attr("to", v.real.code());
        return m;
    }

    /** [batch, 4] → [batch, 4, 1, 1], to broadcast over the latent's height and width. */
    private static String channelOffsets(OnnxModelWriter m, String perChannel) {
        return m.op("Unsqueeze", perChannel, m.longs(2, 3)).output();
    }

    private static String toFloat(OnnxModelWriter m, String input, OnnxType type) {
        return type == FLOAT ? input : m.op("Cast", input).attr("to", FLOAT.code()).output();
    }
}
