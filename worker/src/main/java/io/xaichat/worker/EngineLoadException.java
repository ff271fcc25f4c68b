package io.xaichat.worker;

/**
 * An engine could not be loaded at start, for a reason other than a bad setting (those are
 * {@link io.xaichat.worker.config.ConfigException}s, found before any loading): the model is missing, the native
 * library does not load, or the model file does not load.
 */
public final class EngineLoadException extends RuntimeException {
    /** Why the engine did not load. */
    public enum Reason {
        /** The model file or directory does not exist: download it or point the setting at it. */
        MODEL_MISSING("model missing"),
        /** The engine's native library (llama.cpp, ONNX Runtime) could not be loaded on this machine. */
        NATIVE_LIBRARY("native library failed to load"),
        /** The model exists but the engine refused it (format, architecture, corrupt file, out of memory). */
        MODEL_UNLOADABLE("model failed to load");

        private final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    private final Reason reason;

    public EngineLoadException(Reason reason, String message, Throwable cause) {
        super(reason.text + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The worker's exit code: 2 for a missing model (a setup to fix, like a bad setting), 1 otherwise. */
    public int exitCode() {
        return reason == Reason.MODEL_MISSING ? 2 : 1;
    }
}
