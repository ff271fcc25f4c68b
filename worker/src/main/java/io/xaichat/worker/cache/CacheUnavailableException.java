package io.xaichat.worker.cache;

/** The cache could not be reached; callers carry on without it. */
public final class CacheUnavailableException extends RuntimeException {
    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
