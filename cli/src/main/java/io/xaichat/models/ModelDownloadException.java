package io.xaichat.models;

/** A model file could not be downloaded or did not verify; the message says which, from where, and what to do. */
public final class ModelDownloadException extends Exception {

    public ModelDownloadException(String message) {
        super(message);
    }

    public ModelDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
