package io.xaichat.worker.engine;

/** A job that cannot be answered; {@link #code()} is one of {@link io.xaichat.schema.ErrorCode}. */
public final class JobFailure extends Exception {
    private final String code;

    public JobFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public JobFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
