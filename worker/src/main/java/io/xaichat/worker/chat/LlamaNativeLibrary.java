package io.xaichat.worker.chat;

import io.xaichat.schema.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Prepares java-llama.cpp's loader before its first use; every {@code LlamaModel} is created after {@link #prepare}.
 * <ul>
 * <li>Its own temp directory ({@code de.kherud.llama.tmpdir}): on its first load in a process, java-llama.cpp
 *     4.2.0 deletes every file in that directory whose name starts with {@code llama} or {@code jllama} (its clean-up
 *     of "old native libs"), which by default is {@code java.io.tmpdir}, shared with the user's other files.
 * <li>An extracted copy of its native library ({@code de.kherud.llama.lib.path}). Left alone, its loader extracts the
 *     library to the temp dir on every start and prints "Extracted ..." on stdout; here it is extracted once into a
 *     directory named after its content hash and reused.
 * </ul>
 */
final class LlamaNativeLibrary {
    static final String LIB_PATH_PROPERTY = "de.kherud.llama.lib.path";
    static final String TMPDIR_PROPERTY = "de.kherud.llama.tmpdir";
    private static final String LIB = "libjllama.so";

    private LlamaNativeLibrary() {}

    /**
     * Sets both properties unless the user did; on platforms other than Linux the library's own loader extracts
     * the library (into the private temp directory).
     */
    static synchronized void prepare() {
        if (System.getProperty(TMPDIR_PROPERTY) == null) System.setProperty(TMPDIR_PROPERTY, privateTempDir());
        if (System.getProperty(LIB_PATH_PROPERTY) != null) return;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (!os.contains("linux") || arch == null) return;
        String resource = "/de/kherud/llama/Linux/" + arch + "/" + LIB;
        try (InputStream in = LlamaNativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) return;
            byte[] lib = in.readAllBytes();
            String hash = Sha256.prefix(lib, 16);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "xaichat-jllama-" + hash);
            Path target = dir.resolve(LIB);
            if (!Files.isRegularFile(target) || Files.size(target) != lib.length) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, LIB, ".tmp");
                Files.write(tmp, lib);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            System.setProperty(LIB_PATH_PROPERTY, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the llama.cpp native library to the temp directory", e);
        }
    }

    /** A new owner-only directory in {@code java.io.tmpdir}, removed when the JVM exits (it stays empty on Linux). */
    private static String privateTempDir() {
        try {
            Path dir = Files.createTempDirectory("xaichat-jllama-tmp-");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private temp directory for java-llama.cpp in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }
}
