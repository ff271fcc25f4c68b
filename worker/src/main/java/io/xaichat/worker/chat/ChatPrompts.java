package io.xaichat.worker.chat;

import io.xaichat.schema.ChatRequest;

/**
 * What the llama-cpp engine gives the model and how it reads the output: the chat template applied to the
 * messages (or the raw prompt), Qwen3's thinking switch, and the split of the output into reasoning and answer.
 */
public final class ChatPrompts {
    /** The prompt as evaluated: its text and tokens (BOS included when the model adds one). */
    public record Rendered(String text, int[] tokens) {}

    private final LlamaCppModel model;
    private final ThinkingPrompt thinking;

    ChatPrompts(LlamaCppModel model, ThinkingPrompt thinking) {
        this.model = model;
        this.thinking = thinking;
    }

    /**
     * The request with the model's thinking default made explicit, so thinking on and off never share a cache key
     * (a request that says nothing is cached as the model's default).
     */
    ChatRequest resolve(ChatRequest r) {
        return thinking.modelThinks() ? r.withThinking(thinking.thinks(r.thinking())) : r;
    }

    /** @throws IllegalStateException when the model has no chat template llama.cpp can apply */
    Rendered render(ChatRequest r) {
        String text = r.messages() == null ? r.prompt() : model.applyTemplate(r.messages());
        text = thinking.apply(text, r.thinking());
        return new Rendered(text, model.tokenize(text, true));
    }

    /** Separates the output of {@code prompt} into reasoning and content (all content for models that cannot think). */
    ReasoningSplitter splitter(Rendered prompt) {
        return thinking.splitter(prompt.text());
    }
}
