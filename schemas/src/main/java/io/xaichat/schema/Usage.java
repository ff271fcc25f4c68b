package io.xaichat.schema;

public record Usage(int promptTokens, int completionTokens) {}
