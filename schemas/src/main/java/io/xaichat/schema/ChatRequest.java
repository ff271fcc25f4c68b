package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * A chat job's request: {@code messages} (chat template applied) or a raw {@code prompt}. Nulls mean defaults.
 *
 * @param thinking reasoning models (Qwen3): think before answering (reasoning returned apart from the answer)
 * @param presencePenalty OpenAI's presence penalty (−2..2): subtracted once from every token already generated
 * @param frequencyPenalty OpenAI's frequency penalty (−2..2): subtracted per earlier occurrence of a token
 * @param logitBias token id (as a string, as in OpenAI's API) → bias added to its logit (−100..100)
 * @param logprobs return the log probability of each generated token
 * @param topLogprobs with logprobs: also the this many most likely tokens at each position (0..20)
 * @param responseFormat {@code json_object} constrains the output to JSON with a grammar
 */
public record ChatRequest(
        List<ChatMessage> messages,
        String prompt,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Long seed,
        List<String> stop,
        Boolean stream,
        Boolean thinking,
        Double presencePenalty,
        Double frequencyPenalty,
        Map<String, Double> logitBias,
        Boolean logprobs,
        Integer topLogprobs,
        ResponseFormat responseFormat) {

    /** A request with the original sampling fields only. */
    public ChatRequest(List<ChatMessage> messages, String prompt, Integer maxTokens, Double temperature, Double topP,
                       Integer topK, Long seed, List<String> stop, Boolean stream) {
        this(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, null, null, null, null, null,
                null, null);
    }

    public static ChatRequest ofPrompt(String prompt) {
        return new ChatRequest(null, prompt, null, null, null, null, null, null, null);
    }

    public static ChatRequest ofMessages(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, null, null, null, null, null, null, null);
    }

    public ChatRequest withMaxTokens(int n) {
        return new ChatRequest(messages, prompt, n, temperature, topP, topK, seed, stop, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withSeed(long s) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, s, stop, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withTemperature(double t) {
        return new ChatRequest(messages, prompt, maxTokens, t, topP, topK, seed, stop, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withStop(List<String> s) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, s, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withStream(Boolean s) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, s, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withThinking(Boolean t) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, t,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withPenalties(Double presence, Double frequency) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, thinking,
                presence, frequency, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withLogitBias(Map<String, Double> bias) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, thinking,
                presencePenalty, frequencyPenalty, bias, logprobs, topLogprobs, responseFormat);
    }

    public ChatRequest withLogprobs(Boolean on, Integer top) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, on, top, responseFormat);
    }

    public ChatRequest withResponseFormat(ResponseFormat format) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, format);
    }

    /** The same request with the sampling fields replaced (used to fill in defaults). */
    public ChatRequest withSampling(int maxTokens, double temperature, double topP, int topK) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, stream, thinking,
                presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** Whether any option beyond the original sampling fields is set (engines that cannot serve them refuse). */
    @JsonIgnore // not a wire field
    public boolean usesExtendedOptions() {
        return thinking != null || presencePenalty != null || frequencyPenalty != null
                || (logitBias != null && !logitBias.isEmpty()) || Boolean.TRUE.equals(logprobs) || topLogprobs != null
                || (responseFormat != null && !ResponseFormat.TEXT.equals(responseFormat.type()));
    }
}
