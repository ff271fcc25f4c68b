package io.xaichat.worker.kafka;

/** A job's result does not fit in what is left of its {@link ReplyBudget}: it is answered with an error instead. */
public final class OutputTooLargeException extends PublishException {
    public OutputTooLargeException(String message) {
        super(message, null);
    }
}
