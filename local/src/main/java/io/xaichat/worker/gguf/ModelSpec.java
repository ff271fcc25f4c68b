package io.xaichat.worker.gguf;

import io.xaichat.worker.gguf.GgufWriter.TensorType;

/**
 * The shape of a synthetic decoder-only model: enough for llama.cpp to load it and run at real speed.
 *
 * @param architecture {@code llama}, {@code qwen2} or {@code qwen3}
 * @param matrixType type of the 2-D weight matrices (norms and biases are always F32)
 * @param seed seed of the random weights: the same spec always writes the same bytes
 * @param weightStd standard deviation of the normal random weights (normalisation weights are always 1)
 */
public record ModelSpec(String architecture, int embedding, int layers, int heads, int kvHeads, int feedForward,
                        int vocabSize, int contextLength, TensorType matrixType, long seed, float weightStd) {

    /** Real models' scale: weights of standard deviation 0.02 keep activations bounded through 28 layers. */
    public static final float REAL_WEIGHT_STD = 0.02f;

    /**
     * Tiny models' scale. At 0.02 a 64-wide, 2-layer model adds so little to the residual stream that it echoes its
     * last input token whatever the prompt (tied embeddings); at 0.2 its output depends on the whole prompt, which
     * tests of batching, penalties and stop strings need.
     */
    public static final float TINY_WEIGHT_STD = 0.2f;

    /** A spec with real models' weight scale. */
    public ModelSpec(String architecture, int embedding, int layers, int heads, int kvHeads, int feedForward,
                     int vocabSize, int contextLength, TensorType matrixType, long seed) {
        this(architecture, embedding, layers, heads, kvHeads, feedForward, vocabSize, contextLength, matrixType, seed,
                REAL_WEIGHT_STD);
    }

    public ModelSpec {
        if (!(weightStd > 0)) throw new IllegalArgumentException("weight std must be positive, got " + weightStd);
        if (embedding % heads != 0) {
            throw new IllegalArgumentException("embedding " + embedding + " is not divisible by heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not divisible by kv heads " + kvHeads);
        }
    }

    /** A model of a few hundred KB that loads in milliseconds. */
    public static ModelSpec tiny(String architecture) {
        return new ModelSpec(architecture, 64, 2, 4, 2, 128, 288, 2048, TensorType.F16, 42, TINY_WEIGHT_STD);
    }

    /** Qwen2.5-1.5B-Instruct dimensions (28 layers, 1536 wide, GQA 12/2, 151,936 tokens) for speed benchmarks. */
    public static ModelSpec qwen25_1_5b(TensorType matrixType) {
        return new ModelSpec("qwen2", 1536, 28, 12, 2, 8960, 151_936, 32_768, matrixType, 42);
    }

    /**
     * Qwen3-1.7B dimensions (28 layers, 2048 wide, GQA 16/8, head dim 128, 151,936 tokens, tied embeddings) for
     * speed benchmarks.
     */
    public static ModelSpec qwen3_1_7b(TensorType matrixType) {
        return new ModelSpec("qwen3", 2048, 28, 16, 8, 6144, 151_936, 40_960, matrixType, 42);
    }

    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(architecture, embedding, layers, heads, kvHeads, feedForward, vocabSize, contextLength,
                matrixType, newSeed, weightStd);
    }

    public ModelSpec withContextLength(int n) {
        return new ModelSpec(architecture, embedding, layers, heads, kvHeads, feedForward, vocabSize, n,
                matrixType, seed, weightStd);
    }

    public ModelSpec withMatrixType(TensorType type) {
        return new ModelSpec(architecture, embedding, layers, heads, kvHeads, feedForward, vocabSize, contextLength,
                type, seed, weightStd);
    }

    public int headDim() {
        return embedding / heads;
    }

    public int kvWidth() {
        return headDim() * kvHeads;
    }
}
