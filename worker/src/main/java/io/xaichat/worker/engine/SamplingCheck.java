package io.xaichat.worker.engine;

import io.xaichat.schema.ErrorCode;

/**
 * The one Java check of sampling parameters, for every engine that samples tokens (chat, vision), with the bounds
 * of sampling.schema.json. The schema already refuses bad values on the wire; this check is for requests that reach
 * an engine another way (tests, the bench, the schema's defaults) and for values the schema cannot express (the
 * defaults an engine fills in). Downstream types ({@code GenerationSettings}, sampler chains) trust checked values.
 */
public final class SamplingCheck {
    public static final double MAX_TEMPERATURE = 5;
    public static final long MAX_SEED = 0xFFFF_FFFFL;

    private SamplingCheck() {}

    /** @param seed null when the request gave none */
    public static void check(int maxTokens, double temperature, double topP, int topK, Long seed) throws JobFailure {
        if (maxTokens < 1) throw invalid("max_tokens must be ≥ 1, got " + maxTokens);
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            throw invalid("temperature must be between 0 and " + (int) MAX_TEMPERATURE + ", got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw invalid("top_p must be in (0, 1], got " + topP);
        if (topK < 0) throw invalid("top_k must be ≥ 0, got " + topK);
        if (seed != null && (seed < 0 || seed > MAX_SEED)) {
            throw invalid("seed must be between 0 and " + MAX_SEED + ", got " + seed);
        }
    }

    private static JobFailure invalid(String message) {
        return new JobFailure(ErrorCode.INVALID_REQUEST, message);
    }
}
