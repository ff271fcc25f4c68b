package io.xaichat.client;

/** No Kafka broker answered at the bootstrap servers within the connection timeout. */
public final class BrokerUnavailableException extends IllegalStateException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
