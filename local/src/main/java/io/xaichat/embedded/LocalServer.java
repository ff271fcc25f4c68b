package io.xaichat.embedded;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start/stop/close bookkeeping both embedded servers share: start and stop are idempotent, a closed server
 * cannot start again, and close removes the directory the server created for itself.
 */
abstract class LocalServer implements EmbeddedServer {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private boolean running;
    private boolean closed;
    private Path ownedDirectory;

    /** Brings the server up; called only while it is stopped. */
    abstract void launch();

    /** Takes the server down; called only while it is running. */
    abstract void halt();

    /** Names the server in messages, e.g. "Redis on redis://127.0.0.1:6379". */
    abstract String description();

    /** Deletes {@code directory} when the server is closed. */
    final void deleteOnClose(Path directory) {
        ownedDirectory = directory;
    }

    /** Starts unless running; subclasses expose it as a {@code start()} returning their own type. */
    final synchronized void startIfStopped() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " was closed; create a new one");
        }
        if (!running) {
            launch();
            running = true;
        }
    }

    @Override
    public final synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        halt();
        log.info("{} stopped", description());
    }

    @Override
    public final synchronized boolean isRunning() {
        return running;
    }

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownedDirectory != null) {
                Directories.deleteRecursively(ownedDirectory);
            }
        }
    }
}
