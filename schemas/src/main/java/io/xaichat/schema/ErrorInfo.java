package io.xaichat.schema;

/** A machine-readable {@code code} and a message for people. */
public record ErrorInfo(ErrorCode code, String message) {}
