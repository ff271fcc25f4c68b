package io.xaichat.testkit;

import io.xaichat.embedded.EmbeddedServer;

/**
 * What {@link KafkaHandle} and {@link RedisHandle} share: the server's address, and stop/start/restart when the
 * server runs in this JVM. Only tests that own their server may stop it; the shared one must stay up.
 */
public abstract class ServerHandle implements AutoCloseable {

    private final String address;
    private final EmbeddedServer embedded;
    private final AutoCloseable owned;

    /**
     * @param embedded the in-process server, or null for a container or external server
     * @param owned    what {@link #close()} closes (the server itself for the shared one), or null
     */
    ServerHandle(String address, EmbeddedServer embedded, AutoCloseable owned) {
        this.address = address;
        this.embedded = embedded;
        this.owned = owned;
    }

    String address() {
        return address;
    }

    /** True when the server runs in this JVM and supports {@link #stop()}, {@link #start()}, {@link #restart()}. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Stops the server (a Kafka broker keeps its data; a Redis loses it). */
    public void stop() {
        embedded().stop();
    }

    public void start() {
        embedded().start();
    }

    /** Stops and starts the server on the same port (and, for Kafka, the same log directory). */
    public void restart() {
        embedded().restart();
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }

    private EmbeddedServer embedded() {
        if (embedded == null) {
            throw new UnsupportedOperationException("Server " + address
                    + " does not run in this JVM; stop/start/restart work only on an in-process server");
        }
        return embedded;
    }
}
