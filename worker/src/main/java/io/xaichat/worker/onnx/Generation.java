package io.xaichat.worker.onnx;

/**
 * A finished generation.
 *
 * @param finishReason {@code stop} (end token or stop string) or {@code length} (max_tokens reached)
 */
public record Generation(String text, int promptTokens, int completionTokens, String finishReason) {}
