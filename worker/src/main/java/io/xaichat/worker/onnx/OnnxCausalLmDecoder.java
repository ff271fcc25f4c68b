package io.xaichat.worker.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import io.xaichat.worker.engine.ChunkSink;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prefill and token-by-token decoding over a {@code decoder_model_merged}-style ONNX causal LM: inputs
 * {@code inputs_embeds} or {@code input_ids}, {@code attention_mask}, optional {@code position_ids} (one row, or
 * three for M-RoPE) and {@code past_key_values.{i}.key/value}; outputs {@code logits} and {@code present.*}.
 * Names, dtypes, layer count and cache dimensions come from the session's metadata.
 *
 * <p>The KV cache never enters Java memory: each step's {@code present.*} OnnxValues are fed as the next step's
 * {@code past_key_values.*} and the result holding them is closed once that next step has run. Only the last
 * row of the logits is read into Java (to pick the next token).
 */
public final class OnnxCausalLmDecoder {
    public static final String INPUTS_EMBEDS = DecoderSignature.INPUTS_EMBEDS;
    public static final String INPUT_IDS = DecoderSignature.INPUT_IDS;

    /** Produces the model's input for one generated token: its embedding [1,1,hidden] or its id [1,1]. */
    public interface TokenInput {
        OnnxTensor forToken(long id) throws OrtException;
    }

    /**
     * A prompt ready for prefill.
     *
     * @param input inputs_embeds [1, length, hidden] or input_ids [1, length]; the decoder closes it
     * @param positions position ids per row ([1][length] or [3][length]); null if the model has none
     * @param nextPosition position of the first generated token (equal in every row)
     * @param tokenIds the prompt's token ids, which the repetition penalty counts as seen
     */
    public record Prompt(OnnxTensor input, int length, long[][] positions, long nextPosition, long[] tokenIds) {}

    private final OrtEnvironment env;
    private final OrtSession session;
    private final DecoderSignature signature;
    private final OnnxJavaType inputType;
    private final OnnxJavaType maskType;

    /** @throws IllegalArgumentException naming what does not match when the graph is not a decoder it can feed */
    public OnnxCausalLmDecoder(OrtEnvironment env, OrtSession session) throws OrtException {
        this.env = env;
        this.session = session;
        this.signature = DecoderSignature.of(TensorSpec.of(session.getInputInfo()), session.getOutputInfo().keySet());
        this.inputType = OnnxJavaType.valueOf(signature.main.type());
        this.maskType = OnnxJavaType.valueOf(signature.mask.type());
    }

    public DecoderSignature signature() {
        return signature;
    }

    /** True if the decoder takes embeddings (the caller embeds tokens), false if it takes token ids. */
    public boolean takesEmbeddings() {
        return signature.takesEmbeddings();
    }

    /** Element type the decoder expects for its first input (e.g. FLOAT or FLOAT16 embeddings, INT64 ids). */
    public OnnxJavaType inputType() {
        return inputType;
    }

    /** Rows of position ids the decoder takes: 3 for M-RoPE, 1 for plain RoPE, 0 if it takes none. */
    public int positionRows() {
        return signature.positionRows();
    }

    /** Layers with a KV cache. */
    public int layers() {
        return signature.layers();
    }

    /** A {@link TokenInput} for decoders that take token ids. */
    public TokenInput idInput() {
        return id -> longTensor(new long[] {id}, new long[] {1, 1}, inputType);
    }

    /**
     * Runs the prompt, then samples up to {@code settings.maxTokens()} tokens, stopping at a token of
     * {@code stopTokens} or a stop string, and streaming text pieces to {@code sink} when {@code stream} is set.
     */
    public Generation generate(Prompt prompt, TokenInput tokenInput, HfTokenizer tokenizer, Set<Long> stopTokens,
                               GenerationSettings settings, boolean stream, ChunkSink sink) throws OrtException {
        int positionRows = signature.positionRows();
        if (positionRows > 0 && (prompt.positions() == null || prompt.positions().length != positionRows)) {
            throw new IllegalArgumentException("decoder takes " + positionRows + " rows of position ids, got "
                    + (prompt.positions() == null ? "none" : prompt.positions().length));
        }
        Sampler sampler = new Sampler(settings);
        StopStringStreamer streamer = new StopStringStreamer(settings.stop(), stream ? sink::text : piece -> {});
        List<Long> generated = new ArrayList<>();
        OrtSession.Result cache = null;
        try {
            OnnxTensor input = prompt.input();
            long[][] positions = prompt.positions();
            int pastLength = 0;
            int stepLength = prompt.length();
            long nextPosition = prompt.nextPosition();
            String finish = "length";
            String text = "";
            long[] seen = prompt.tokenIds() == null ? new long[16] : Arrays.copyOf(prompt.tokenIds(), prompt.tokenIds().length + 16);
            int seenCount = prompt.tokenIds() == null ? 0 : prompt.tokenIds().length;
            while (true) {
                OrtSession.Result result;
                try {
                    result = step(input, positions, pastLength, stepLength, cache);
                } finally {
                    if (input != prompt.input()) input.close();
                }
                if (cache != null) cache.close(); // the cache it held has been consumed by this step
                cache = result;
                pastLength += stepLength;
                float[] logits = lastLogits(result);
                Sampler.penalize(logits, seen, seenCount, settings.repetitionPenalty());
                long token = sampler.next(logits);
                if (stopTokens.contains(token)) {
                    finish = "stop";
                    break;
                }
                generated.add(token);
                seen = append(seen, seenCount++, token);
                text = tokenizer.decode(generated.stream().mapToLong(Long::longValue).toArray());
                if (streamer.update(text)) {
                    finish = "stop";
                    break;
                }
                if (generated.size() >= settings.maxTokens()) break;
                input = tokenInput.forToken(token);
                positions = new long[Math.max(signature.positionRows(), 1)][];
                Arrays.fill(positions, new long[] {nextPosition});
                nextPosition++;
                stepLength = 1;
            }
            return new Generation(streamer.finish(text), prompt.length(), generated.size(), finish);
        } finally {
            prompt.input().close();
            if (cache != null) cache.close();
        }
    }

    private OrtSession.Result step(OnnxTensor input, long[][] positions, int pastLength, int length,
                                   OrtSession.Result cache) throws OrtException {
        Map<String, OnnxTensorLike> feed = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        try {
            feed.put(signature.main.name(), input);
            long[] mask = new long[pastLength + length];
            Arrays.fill(mask, 1);
            feed.put(DecoderSignature.ATTENTION_MASK, keep(created, longTensor(mask, new long[] {1, mask.length}, maskType)));
            if (signature.positions != null) {
                feed.put(DecoderSignature.POSITION_IDS, keep(created, positionTensor(positions, length)));
            }
            if (signature.useCacheBranch != null) {
                // optimum's merged decoders choose the with-past subgraph by this flag.
                boolean[] flag = {cache != null};
                feed.put(DecoderSignature.USE_CACHE_BRANCH, keep(created, signature.useCacheBranch.rank() == 0
                        ? OnnxTensor.createTensor(env, flag[0]) : OnnxTensor.createTensor(env, flag)));
            }
            if (signature.numLogitsToKeep != null) {
                long[] shape = signature.numLogitsToKeep.rank() == 0 ? new long[0] : new long[] {1};
                feed.put(DecoderSignature.NUM_LOGITS_TO_KEEP, keep(created, longTensor(new long[] {1}, shape,
                        OnnxJavaType.valueOf(signature.numLogitsToKeep.type()))));
            }
            for (Map.Entry<String, String> e : signature.pastToPresent.entrySet()) {
                if (cache == null) {
                    feed.put(e.getKey(), keep(created, emptyPast(signature.past.get(e.getKey()))));
                } else {
                    OnnxValue present = cache.get(e.getValue())
                            .orElseThrow(() -> new IllegalStateException("decoder returned no " + e.getValue()));
                    feed.put(e.getKey(), (OnnxTensor) present);
                }
            }
            return session.run(feed);
        } finally {
            for (OnnxTensor t : created) t.close();
        }
    }

    /** {@code seen} with {@code token} at {@code count}, grown when full. */
    private static long[] append(long[] seen, int count, long token) {
        long[] out = count < seen.length ? seen : Arrays.copyOf(seen, seen.length * 2);
        out[count] = token;
        return out;
    }

    private static OnnxTensor keep(List<OnnxTensor> created, OnnxTensor tensor) {
        created.add(tensor);
        return tensor;
    }

    private OnnxTensor positionTensor(long[][] positions, int length) throws OrtException {
        int rows = positions.length;
        long[] flat = new long[rows * length];
        for (int r = 0; r < rows; r++) System.arraycopy(positions[r], 0, flat, r * length, length);
        long[] shape = signature.positions.rank() == 3 ? new long[] {rows, 1, length} : new long[] {1, length};
        return longTensor(flat, shape, OnnxJavaType.valueOf(signature.positions.type()));
    }

    private OnnxTensor emptyPast(TensorSpec spec) throws OrtException {
        long[] shape = {1, spec.fixed(1), 0, spec.fixed(3)};
        return switch (OnnxJavaType.valueOf(spec.type())) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape);
            case FLOAT16 -> OnnxTensor.createTensor(env, ShortBuffer.allocate(0), shape, OnnxJavaType.FLOAT16);
            default -> throw new IllegalArgumentException("unsupported KV cache type " + spec.type());
        };
    }

    private OnnxTensor longTensor(long[] values, long[] shape, OnnxJavaType type) throws OrtException {
        if (type == OnnxJavaType.INT32) {
            int[] ints = Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
            return OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(ints), shape);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    }

    /** The logits of the last position, as floats. */
    private static float[] lastLogits(OrtSession.Result result) {
        OnnxTensor logits = (OnnxTensor) result.get(DecoderSignature.LOGITS)
                .orElseThrow(() -> new IllegalStateException("decoder returned no logits"));
        long[] shape = logits.getInfo().getShape();
        int vocab = (int) shape[shape.length - 1];
        float[] out = new float[vocab];
        if (logits.getInfo().type == OnnxJavaType.FLOAT16) {
            ShortBuffer all = logits.getShortBuffer();
            int offset = all.limit() - vocab;
            for (int i = 0; i < vocab; i++) out[i] = Fp16Conversions.fp16ToFloat(all.get(offset + i));
        } else {
            FloatBuffer all = logits.getFloatBuffer();
            all.position(all.limit() - vocab);
            all.get(out);
        }
        return out;
    }

    /** Element type of a model input or output. */
    public static OnnxJavaType tensorType(NodeInfo node) {
        return tensorInfo(node).type;
    }

    static TensorInfo tensorInfo(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException("model value " + node.getName() + " is not a tensor");
        }
        return info;
    }

    /** Wraps floats as a tensor of the given element type (FLOAT or FLOAT16). */
    public static OnnxTensor floatTensor(OrtEnvironment env, float[] values, long[] shape, OnnxJavaType type)
            throws OrtException {
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
            case FLOAT16 -> OnnxTensor.createTensor(env,
                    Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(values)), shape, OnnxJavaType.FLOAT16);
            default -> throw new IllegalArgumentException("expected a float tensor type, got " + type);
        };
    }

    /** Reads a FLOAT or FLOAT16 tensor into floats. */
    public static float[] floats(OnnxTensor tensor) {
        if (tensor.getInfo().type == OnnxJavaType.FLOAT16) {
            ShortBuffer halves = tensor.getShortBuffer();
            float[] out = new float[halves.remaining()];
            for (int i = 0; i < out.length; i++) out[i] = Fp16Conversions.fp16ToFloat(halves.get(i));
            return out;
        }
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
