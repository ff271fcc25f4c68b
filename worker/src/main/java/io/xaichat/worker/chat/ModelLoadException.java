package io.xaichat.worker.chat;

/** A model file that cannot be served: missing, not GGUF, corrupt, or of an architecture this build cannot run. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
