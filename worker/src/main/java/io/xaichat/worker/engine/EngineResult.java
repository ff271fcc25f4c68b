package io.xaichat.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Usage;

/**
 * What an engine computed: {@code output} is the text node for chat/vision, an object for image.
 *
 * @param finishReason {@code stop} or {@code length} for text; null for images
 * @param reasoningContent chat with thinking: the reasoning text, apart from the answer; else null
 * @param logprobs chat with logprobs: OpenAI's {@code logprobs} object; else null
 */
public record EngineResult(JsonNode output, Usage usage, String finishReason, String reasoningContent,
                           JsonNode logprobs) {
    public EngineResult(JsonNode output, Usage usage, String finishReason) {
        this(output, usage, finishReason, null, null);
    }
}
