package io.xaichat.worker.chat;

import io.xaichat.schema.ChatRequest;
import io.xaichat.worker.engine.ChunkSink;

/**
 * What the llama-cpp engine gives the model and what it makes of the output: the chat template applied to the
 * messages (or the raw prompt), and the answer as the client sees it.
 */
final class ChatPrompts {
    /** The answer text and, for a thinking model, its reasoning (null otherwise). */
    record Answer(String content, String reasoning) {}

    private final LlamaCppModel model;

    ChatPrompts(LlamaCppModel model) {
        this.model = model;
    }

    /** The request with the model's defaults resolved, so they are part of the cache key. */
    ChatRequest resolve(ChatRequest r) {
        return r;
    }

    String text(ChatRequest r) {
        return r.messages() == null ? r.prompt() : model.applyTemplate(r.messages());
    }

    int[] tokens(ChatRequest r) {
        return model.tokenize(text(r), true);
    }

    ChunkSink streamSink(ChatRequest r, ChunkSink sink) {
        return sink;
    }

    Answer answer(ChatRequest r, String output) {
        return new Answer(output, null);
    }
}
