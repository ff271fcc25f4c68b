package io.xaichat.worker.chat;

import io.xaichat.schema.ChatRequest;

/**
 * What the llama-cpp engine prepared for a chat job: the checked request (defaults filled in, thinking resolved)
 * and the prompt exactly as llama.cpp evaluates it (template applied, tokenized). Run decodes these tokens.
 */
public record ChatPlan(ChatRequest request, ChatPrompts.Rendered prompt) {
    /** Tokens of the prompt (BOS included when the model adds one). */
    public int promptTokens() {
        return prompt.tokens().length;
    }
}
