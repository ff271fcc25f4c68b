package io.xaichat.worker.onnx;

import java.util.List;

/**
 * How to pick tokens and when to stop.
 *
 * @param temperature 0 for greedy decoding
 * @param topP nucleus mass kept (1 keeps all)
 * @param topK most likely tokens kept (0 keeps all)
 * @param seed random seed for sampling (ignored when greedy)
 * @param stop strings that end the output; they are not part of it
 * @param repetitionPenalty transformers' repetition_penalty over prompt and output tokens (1 = none); Qwen2-VL's
 *     generation_config.json sets 1.05
 */
public record GenerationSettings(int maxTokens, double temperature, double topP, int topK, long seed,
                                 List<String> stop, double repetitionPenalty) {
    public GenerationSettings {
        if (maxTokens < 1) throw new IllegalArgumentException("max_tokens must be ≥ 1, got " + maxTokens);
        if (temperature < 0) throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
        if (topP <= 0 || topP > 1) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (topK < 0) throw new IllegalArgumentException("top_k must be ≥ 0, got " + topK);
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
