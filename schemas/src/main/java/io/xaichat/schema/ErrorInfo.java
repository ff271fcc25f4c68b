package io.xaichat.schema;

/** A machine-readable {@code code} (see {@link ErrorCode}) and a message for people. */
public record ErrorInfo(String code, String message) {}
