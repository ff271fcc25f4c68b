package io.xaichat.worker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
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
            String digest = hash(file);
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
        return HexFormat.of().formatHex(sha256().digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
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

    private static String hash(Path file) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
