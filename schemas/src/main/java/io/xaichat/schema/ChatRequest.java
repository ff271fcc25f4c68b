package io.xaichat.schema;

import java.util.List;

/** A chat job's request: {@code messages} (chat template applied) or a raw {@code prompt}. Nulls mean defaults. */
public record ChatRequest(
        List<ChatMessage> messages,
        String prompt,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Long seed,
        List<String> stop,
        Boolean stream) {

    public static ChatRequest ofPrompt(String prompt) {
        return new ChatRequest(null, prompt, null, null, null, null, null, null, null);
    }

    public static ChatRequest ofMessages(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, null, null, null, null, null, null, null);
    }

    public ChatRequest withMaxTokens(int n) {
        return new ChatRequest(messages, prompt, n, temperature, topP, topK, seed, stop, stream);
    }

    public ChatRequest withSeed(long s) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, s, stop, stream);
    }

    public ChatRequest withTemperature(double t) {
        return new ChatRequest(messages, prompt, maxTokens, t, topP, topK, seed, stop, stream);
    }

    public ChatRequest withStop(List<String> s) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, s, stream);
    }

    public ChatRequest withStream(boolean s) {
        return new ChatRequest(messages, prompt, maxTokens, temperature, topP, topK, seed, stop, s);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}
