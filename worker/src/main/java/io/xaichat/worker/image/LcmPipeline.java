package io.xaichat.worker.image;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.xaichat.worker.onnx.OnnxSessions;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Text to image with a latent consistency model (SD 1.5 architecture) on ONNX Runtime, top to bottom:
 * tokenize → text encoder → seeded latent noise → N UNet passes stepped by {@link LcmScheduler} → unscale → VAE
 * decoder → RGB pixels. LCM needs no classifier-free guidance: each step is one UNet pass at batch 1, and the
 * guidance scale enters as the {@code timestep_cond} embedding instead.
 */
public final class LcmPipeline implements AutoCloseable {
    /** SD 1.5's VAE scaling factor: the UNet works on latents multiplied by it. */
    static final float VAE_SCALING = 0.18215f;
    private static final int LATENT_CHANNELS = 4;
    private static final int VAE_FACTOR = 8;
    private static final int DEFAULT_COND_DIM = 256;

    private final ClipTokenizer tokenizer;
    private final OrtSession textEncoder;
    private final OrtSession unet;
    private final OrtSession vaeDecoder;
    private final TensorIo io;
    private final LcmScheduler scheduler = new LcmScheduler();

    // Element types and ranks the model files declare; read once.
    private final OnnxJavaType idsType;
    private final OnnxJavaType sampleType;
    private final OnnxJavaType timestepType;
    private final int timestepRank;
    private final OnnxJavaType hiddenType;
    private final TensorInfo condInfo; // null when the UNet takes no guidance embedding
    private final OnnxJavaType latentType;

    /** The decoded image and where the time went. */
    public record Generated(BufferedImage image, int promptTokens, long encodeMs, long[] stepMs, long decodeMs) {}

    private LcmPipeline(ClipTokenizer tokenizer, OrtSession textEncoder, OrtSession unet, OrtSession vaeDecoder,
                        TensorIo io) throws OrtException {
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vaeDecoder = vaeDecoder;
        this.io = io;
        this.idsType = TensorIo.inputInfo(textEncoder, "input_ids").type;
        this.sampleType = TensorIo.inputInfo(unet, "sample").type;
        TensorInfo timestep = TensorIo.inputInfo(unet, "timestep");
        this.timestepType = timestep.type;
        this.timestepRank = timestep.getShape().length;
        this.hiddenType = TensorIo.inputInfo(unet, "encoder_hidden_states").type;
        this.condInfo = unet.getInputNames().contains("timestep_cond") ? TensorIo.inputInfo(unet, "timestep_cond") : null;
        this.latentType = TensorIo.inputInfo(vaeDecoder, "latent_sample").type;
    }

    /** Opens the three models and the tokenizer; closes what it opened if any part fails. */
    public static LcmPipeline open(ImageEngineConfig config, OnnxSessions sessions) throws IOException, OrtException {
        ClipTokenizer tokenizer = ClipTokenizer.load(config.tokenizer());
        OrtSession text = null;
        OrtSession unet = null;
        OrtSession vae = null;
        try {
            text = sessions.open(config.textEncoder());
            unet = sessions.open(config.unet());
            vae = sessions.open(config.vaeDecoder());
            return new LcmPipeline(tokenizer, text, unet, vae, new TensorIo(sessions.environment()));
        } catch (OrtException | RuntimeException e) {
            for (OrtSession s : new OrtSession[] {vae, unet, text}) {
                if (s != null) s.close();
            }
            throw e;
        }
    }

    /**
     * @param onStep called with the 1-based step number after each denoising step
     */
    public Generated generate(String prompt, int steps, int width, int height, double guidanceScale, long seed,
                              IntConsumer onStep) throws OrtException {
        long start = System.nanoTime();
        ClipTokenizer.Tokens tokens = tokenizer.encode(prompt);
        try (OrtSession.Result encoded = encodeText(tokens);
             OnnxTensor cond = guidanceCondition(guidanceScale)) {
            OnnxTensor encoderOutput = (OnnxTensor) encoded.get(0);
            OnnxTensor hidden = asUnetHidden(encoderOutput);
            long encodeMs = millisSince(start);
            try {
                long[] latentShape = {1, LATENT_CHANNELS, height / VAE_FACTOR, width / VAE_FACTOR};
                SeededGaussian noise = new SeededGaussian(seed);
                float[] latents = noise.next(LATENT_CHANNELS * (height / VAE_FACTOR) * (width / VAE_FACTOR));

                int[] timesteps = scheduler.timesteps(steps);
                long[] stepMs = new long[steps];
                for (int i = 0; i < steps; i++) {
                    long stepStart = System.nanoTime();
                    float[] epsilon = predictNoise(latents, latentShape, timesteps[i], hidden, cond);
                    latents = scheduler.step(epsilon, i, timesteps, latents, noise);
                    stepMs[i] = millisSince(stepStart);
                    onStep.accept(i + 1);
                }

                long decodeStart = System.nanoTime();
                BufferedImage image = decode(latents, latentShape, width, height);
                return new Generated(image, tokens.length(), encodeMs, stepMs, millisSince(decodeStart));
            } finally {
                if (hidden != encoderOutput) hidden.close();
            }
        }
    }

    private OrtSession.Result encodeText(ClipTokenizer.Tokens tokens) throws OrtException {
        long[] ids = new long[tokens.ids().length];
        for (int i = 0; i < ids.length; i++) ids[i] = tokens.ids()[i];
        try (OnnxTensor input = io.integers(ids, new long[] {1, ids.length}, idsType)) {
            // Only last_hidden_state is needed; exports that name it differently give it first.
            return textEncoder.getOutputNames().contains("last_hidden_state")
                    ? textEncoder.run(Map.of("input_ids", input), Set.of("last_hidden_state"))
                    : textEncoder.run(Map.of("input_ids", input));
        }
    }

    /** The encoder's output stays a native tensor unless the UNet wants another element type. */
    private OnnxTensor asUnetHidden(OnnxTensor hidden) throws OrtException {
        if (hidden.getInfo().type == hiddenType) return hidden;
        return io.reals(TensorIo.floats(hidden), hidden.getInfo().getShape(), hiddenType);
    }

    private OnnxTensor guidanceCondition(double guidanceScale) throws OrtException {
        if (condInfo == null) return null;
        long[] shape = condInfo.getShape();
        int dim = shape.length == 2 && shape[1] > 0 ? (int) shape[1] : DEFAULT_COND_DIM;
        return io.reals(LcmScheduler.guidanceEmbedding(guidanceScale, dim), new long[] {1, dim}, condInfo.type);
    }

    private float[] predictNoise(float[] latents, long[] latentShape, int timestep, OnnxTensor hidden,
                                 OnnxTensor cond) throws OrtException {
        long[] timestepShape = timestepRank == 0 ? new long[0] : new long[] {1};
        try (OnnxTensor sample = io.reals(latents, latentShape, sampleType);
             OnnxTensor t = io.integers(new long[] {timestep}, timestepShape, timestepType)) {
            Map<String, OnnxTensor> inputs = cond == null
                    ? Map.of("sample", sample, "timestep", t, "encoder_hidden_states", hidden)
                    : Map.of("sample", sample, "timestep", t, "encoder_hidden_states", hidden, "timestep_cond", cond);
            try (OrtSession.Result out = unet.run(inputs)) {
                return TensorIo.floats((OnnxTensor) out.get(0));
            }
        }
    }

    private BufferedImage decode(float[] latents, long[] latentShape, int width, int height) throws OrtException {
        float[] unscaled = new float[latents.length];
        for (int i = 0; i < latents.length; i++) unscaled[i] = latents[i] / VAE_SCALING;
        try (OnnxTensor input = io.reals(unscaled, latentShape, latentType);
             OrtSession.Result out = vaeDecoder.run(Map.of("latent_sample", input))) {
            OnnxValue sample = out.get(0);
            long[] shape = ((OnnxTensor) sample).getInfo().getShape();
            if (shape.length != 4 || shape[1] != 3 || shape[2] != height || shape[3] != width) {
                throw new IllegalStateException("VAE decoder returned shape " + Arrays.toString(shape)
                        + ", expected [1, 3, " + height + ", " + width + "]");
            }
            return toImage(TensorIo.floats((OnnxTensor) sample), width, height);
        }
    }

    /** Planar [3, H, W] values in [−1, 1] → 8-bit pixels, rounded as diffusers does. */
    static BufferedImage toImage(float[] planar, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int plane = width * height;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = Math.min(1f, Math.max(0f, planar[c * plane + p] / 2f + 0.5f));
                bgr[p * 3 + (2 - c)] = (byte) Math.round(v * 255f);
            }
        }
        return image;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public void close() {
        for (OrtSession s : new OrtSession[] {vaeDecoder, unet, textEncoder}) {
            try {
                s.close();
            } catch (OrtException e) {
                // Closing releases native memory; nothing useful to do if ORT reports an error here.
            }
        }
    }
}
