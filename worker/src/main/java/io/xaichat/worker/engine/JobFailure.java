package io.xaichat.worker.engine;

import io.xaichat.schema.ErrorCode;

/** A job that cannot be answered, with the client-facing {@link ErrorCode} its error result and dead letter carry. */
public final class JobFailure extends Exception {
    private final ErrorCode code;

    public JobFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public JobFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
