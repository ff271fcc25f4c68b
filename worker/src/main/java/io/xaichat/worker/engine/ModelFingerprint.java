package io.xaichat.worker.engine;

import io.xaichat.schema.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * SHA-256 of model files, for {@link Engine#modelDigest()}. Hashing a 1.6 GB file takes seconds, so the digest is
 * kept in a sidecar {@code <file>.sha256} (sha256sum format plus a size/mtime line) and reused while the file's
 * size and modification time are unchanged. A read-only model directory just means hashing at every start.
 */
public final class ModelFingerprint {
    private ModelFingerprint() {}

    /** Hex SHA-256 of one file. */
    public static String of(Path file) {
        try {
            long size = Files.size(file);
            long mtime = Files.getLastModifiedTime(file).toMillis();
            Path sidecar = sidecar(file);
            String cached = readSidecar(sidecar, size, mtime);
            if (cached != null) return cached;
            String digest = Sha256.of(file);
            writeSidecar(sidecar, file, digest, size, mtime);
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fingerprint model file " + file, e);
        }
    }

    /** One digest for a model made of several files: SHA-256 over "name digest" lines in the given order. */
    public static String of(Collection<Path> files) {
        StringBuilder lines = new StringBuilder();
        for (Path f : files) lines.append(f.getFileName()).append(' ').append(of(f)).append('\n');
        return Sha256.hex(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    private static String readSidecar(Path sidecar, long size, long mtime) {
        try {
            List<String> lines = Files.readAllLines(sidecar, StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.get(1).equals(stamp(size, mtime))) return null;
            String digest = lines.get(0).split("\\s+", 2)[0];
            return digest.matches("[0-9a-f]{64}") ? digest : null;
        } catch (IOException e) {
            return null; // missing or unreadable: hash again
        }
    }

    private static void writeSidecar(Path sidecar, Path file, String digest, long size, long mtime) {
        String text = digest + "  " + file.getFileName() + "\n" + stamp(size, mtime) + "\n";
        try {
            Path tmp = Files.createTempFile(sidecar.getParent(), ".sha256-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, sidecar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // Read-only model directory: the digest is still right, it is just not remembered.
        }
    }

    private static String stamp(long size, long mtime) {
        return "# size=" + size + " mtime=" + mtime;
    }

}
