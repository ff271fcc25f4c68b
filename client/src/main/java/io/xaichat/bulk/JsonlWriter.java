package io.xaichat.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes JSON lines, each flushed as it is written, so an interrupted run keeps every finished line. Safe for
 * concurrent writers; lines written after {@link #close()} (answers arriving while a run is abandoned) are dropped.
 */
final class JsonlWriter implements AutoCloseable {
    private final Path path;
    private final OutputStream out;
    private boolean closed;

    private JsonlWriter(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    static JsonlWriter append(Path path) throws IOException {
        return new JsonlWriter(path, Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    static JsonlWriter truncate(Path path) throws IOException {
        return new JsonlWriter(path, Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    /** @return false if the writer was already closed and the line dropped */
    synchronized boolean write(JsonNode line) {
        if (closed) return false;
        try {
            out.write(Json.toBytes(line));
            out.write('\n');
            out.flush();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write to " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        out.close();
    }
}
