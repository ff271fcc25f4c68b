package io.xaichat.worker.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResponseFormat;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.SamplingCheck;
import java.util.Map;
import java.util.Set;

/** The chat request rules both llama.cpp engines share: parsing, defaults, checks and the cache material. */
final class ChatRequests {
    // llama.cpp's own defaults, applied here so they are part of the cache key.
    static final double DEFAULT_TEMPERATURE = 0.8;
    static final double DEFAULT_TOP_P = 0.95;
    static final int DEFAULT_TOP_K = 40;
    static final int MAX_TOP_LOGPROBS = 20;
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private ChatRequests() {}

    /** The job's request with the engine's defaults filled in and every field checked. */
    static ChatRequest parse(JobEnvelope job, int defaultMaxTokens) throws JobFailure {
        ChatRequest given;
        try {
            given = Json.convert(job.request(), ChatRequest.class);
        } catch (IllegalArgumentException e) {
            throw invalid("chat request of job " + job.jobId() + " does not parse: " + e.getMessage());
        }
        if (given == null) throw invalid("job " + job.jobId() + " has no request");
        ChatRequest r = given.withSampling(
                given.maxTokens() != null ? given.maxTokens() : defaultMaxTokens,
                given.temperature() != null ? given.temperature() : DEFAULT_TEMPERATURE,
                given.topP() != null ? given.topP() : DEFAULT_TOP_P,
                given.topK() != null ? given.topK() : DEFAULT_TOP_K)
                .withStop(given.stop() == null || given.stop().isEmpty() ? null : given.stop());
        check(r);
        return r;
    }

    /** Everything that determines the output except the model: the request without {@code stream}, and the context. */
    static ObjectNode cacheMaterial(ChatRequest r, int contextLength) {
        ObjectNode material = Json.MAPPER.valueToTree(r.withStream(null));
        material.put("context_length", contextLength);
        return material;
    }

    /** Greedy or seeded sampling gives the same output for the same material. */
    static boolean deterministic(ChatRequest r) {
        return r.temperature() == 0 || r.seed() != null;
    }

    /** llama.cpp reads the seed as uint32 and takes 0xFFFFFFFF as "pick a random seed". */
    static final long LLAMA_RANDOM_SEED = 0xFFFF_FFFFL;

    /**
     * The seed both llama.cpp builds are given: the request's, except that the one value llama.cpp reads as "random"
     * is moved one down so a seeded request stays reproducible; no seed is the random sentinel itself.
     */
    static long llamaSeed(Long seed) {
        return seed == null ? LLAMA_RANDOM_SEED : seed == LLAMA_RANDOM_SEED ? LLAMA_RANDOM_SEED - 1 : seed;
    }

    static void check(ChatRequest r) throws JobFailure {
        if ((r.messages() == null) == (r.prompt() == null)) {
            throw invalid("a chat request needs exactly one of 'messages' and 'prompt'");
        }
        if (r.messages() != null) {
            if (r.messages().isEmpty()) throw invalid("'messages' is empty; give at least one message");
            for (int i = 0; i < r.messages().size(); i++) {
                ChatMessage m = r.messages().get(i);
                if (m == null || !ROLES.contains(m.role())) {
                    throw invalid("messages[" + i + "].role is " + (m == null ? "missing" : "'" + m.role() + "'")
                            + "; allowed: system, user, assistant");
                }
                if (m.content() == null) throw invalid("messages[" + i + "].content is missing");
            }
        } else if (r.prompt().isEmpty()) {
            throw invalid("'prompt' is empty");
        }
        SamplingCheck.check(r.maxTokens(), r.temperature(), r.topP(), r.topK(), r.seed());
        if (r.stop() != null) {
            if (r.stop().size() > 16) throw invalid("at most 16 stop strings are allowed, got " + r.stop().size());
            for (String s : r.stop()) if (s == null || s.isEmpty()) throw invalid("stop strings must not be empty");
        }
        penalty("presence_penalty", r.presencePenalty());
        penalty("frequency_penalty", r.frequencyPenalty());
        if (r.logitBias() != null) {
            for (Map.Entry<String, Double> e : r.logitBias().entrySet()) {
                if (!e.getKey().matches("[0-9]{1,9}")) {
                    throw invalid("logit_bias keys are token ids (decimal strings), got '" + e.getKey() + "'");
                }
                if (e.getValue() == null || e.getValue() < -100 || e.getValue() > 100) {
                    throw invalid("logit_bias[" + e.getKey() + "] must be between -100 and 100, got " + e.getValue());
                }
            }
        }
        if (r.topLogprobs() != null) {
            if (r.topLogprobs() < 0 || r.topLogprobs() > MAX_TOP_LOGPROBS) {
                throw invalid("top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + r.topLogprobs());
            }
            if (!Boolean.TRUE.equals(r.logprobs())) throw invalid("top_logprobs needs logprobs: true");
        }
        if (r.responseFormat() != null && !ResponseFormat.TEXT.equals(r.responseFormat().type())
                && !r.responseFormat().isJson()) {
            throw invalid("response_format.type must be 'text' or 'json_object', got '" + r.responseFormat().type() + "'");
        }
    }

    /** @throws JobFailure prompt_too_long when the prompt leaves no room for a generated token */
    static void checkFits(int promptTokens, int limit, int contextLength) throws JobFailure {
        if (promptTokens > limit) {
            throw new JobFailure(ErrorCode.PROMPT_TOO_LONG, "prompt is " + promptTokens + " tokens but at most "
                    + limit + " fit (context length " + contextLength
                    + " tokens, with room for at least one generated token)");
        }
    }

    private static void penalty(String name, Double value) throws JobFailure {
        if (value != null && (value < -2 || value > 2 || value.isNaN())) {
            throw invalid(name + " must be between -2 and 2, got " + value);
        }
    }

    static JobFailure invalid(String message) {
        return new JobFailure(ErrorCode.INVALID_REQUEST, message);
    }
}
