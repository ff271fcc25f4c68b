package io.xaichat.worker.onnx;

import java.util.List;

/**
 * How to pick tokens and when to stop. Built from request values already checked by
 * {@link io.xaichat.worker.engine.SamplingCheck}, so it does not check them again.
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
        if (!(repetitionPenalty > 0)) { // a model setting, not a request value
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public GenerationSettings withSeed(long newSeed) {
        return new GenerationSettings(maxTokens, temperature, topP, topK, newSeed, stop, repetitionPenalty);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
