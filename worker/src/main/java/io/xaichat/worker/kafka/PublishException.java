package io.xaichat.worker.kafka;

/** The broker did not take a result or dead-letter record; the job must not be committed. */
public class PublishException extends Exception {
    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
