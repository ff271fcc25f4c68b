package io.xaichat.schema;

public record Timings(long queueMs, long computeMs, long totalMs) {}
