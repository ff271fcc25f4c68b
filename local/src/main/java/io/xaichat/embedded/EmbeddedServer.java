package io.xaichat.embedded;

/**
 * A server this JVM runs itself, for local mode and tests, that can be stopped and started again in place (same
 * ports, same directory). Closing it stops it for good and removes what it created.
 */
public interface EmbeddedServer extends AutoCloseable {

    /** Starts the server and returns once it accepts clients; does nothing if it is running. */
    EmbeddedServer start();

    /** Stops the server; does nothing if it is stopped. */
    void stop();

    /** Stops and starts again on the same ports and directory. */
    default void restart() {
        stop();
        start();
    }

    boolean isRunning();

    @Override
    void close();
}
