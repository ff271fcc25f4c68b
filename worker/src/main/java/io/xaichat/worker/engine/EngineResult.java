package io.xaichat.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Usage;

/**
 * What an engine computed: {@code output} is the text node for chat/vision, an object for image.
 *
 * @param finishReason {@code stop} or {@code length} for text; null for images
 */
public record EngineResult(JsonNode output, Usage usage, String finishReason) {}
