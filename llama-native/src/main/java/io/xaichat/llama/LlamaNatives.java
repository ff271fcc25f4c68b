package io.xaichat.llama;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded llama.cpp: its libraries bound once per process, ggml's CPU backend chosen for this CPU
 * ({@code ggml_backend_load_all_from_path}), and llama.cpp's log (hundreds of lines per model load on stderr)
 * sent to SLF4J: warnings and errors at WARN/ERROR, the rest at DEBUG.
 */
public final class LlamaNatives {
    private static final Logger log = LoggerFactory.getLogger("io.xaichat.llama.native");
    /**
     * RTLD_NOW | RTLD_LOCAL: JNA's default RTLD_GLOBAL would put this llama.cpp's symbols first in the process's
     * lookup scope, and java-llama.cpp's own (older) llama.cpp in the same JVM would then call into this one.
     */
    private static final int RTLD_NOW_LOCAL = 2;
    private static final Map<String, Object> OPTIONS = Map.of(Library.OPTION_STRING_ENCODING, "UTF-8",
            Library.OPTION_OPEN_FLAGS, RTLD_NOW_LOCAL);
    // Held for the life of the process: llama.cpp keeps calling it from its own threads.
    private static final LlamaLibrary.LogCallback LOG_TO_SLF4J = LlamaNatives::logLine;
    private static LlamaNatives loaded;

    private final Path dir;
    private final LlamaLibrary llama;
    private final GgmlLibrary ggml;

    private LlamaNatives(Path dir, LlamaLibrary llama, GgmlLibrary ggml) {
        this.dir = dir;
        this.llama = llama;
        this.ggml = ggml;
    }

    /**
     * Loads the libraries from {@code dir}, or when null from the copy bundled in this module's jar. Later calls
     * return the same instance; asking for another directory then is an error (a process holds one llama.cpp).
     *
     * @throws NativeLibraryException naming the file that is missing, cannot be loaded or lacks a function
     */
    public static synchronized LlamaNatives load(Path dir) {
        Path want = dir == null ? null : dir.toAbsolutePath().normalize();
        if (want != null) NativeFiles.check(want);
        if (loaded != null) {
            if (want != null && !want.equals(loaded.dir)) {
                throw new NativeLibraryException("llama.cpp is already loaded from " + loaded.dir
                        + "; this process cannot switch to " + want);
            }
            return loaded;
        }
        Path from = want != null ? want : NativeFiles.extracted();
        NativeFiles.check(from);
        GgmlLibrary ggml = bind(from.resolve(NativeFiles.GGML), GgmlLibrary.class);
        LlamaLibrary llama = bind(from.resolve(NativeFiles.LLAMA), LlamaLibrary.class);
        llama.llama_log_set(LOG_TO_SLF4J, null);
        ggml.ggml_backend_load_all_from_path(from.toString());
        if (ggml.ggml_backend_dev_count() < 1) {
            throw new NativeLibraryException("llama.cpp found no CPU backend in " + from
                    + ": none of its libggml-cpu-*.so files loads on this CPU");
        }
        llama.llama_backend_init();
        loaded = new LlamaNatives(from, llama, ggml);
        log.debug("llama.cpp {} loaded from {}: {}", llama.llama_version(), from, llama.llama_print_system_info());
        return loaded;
    }

    /** Binds {@code type} to {@code file}, checking every function exists now rather than at its first call. */
    private static <T extends Library> T bind(Path file, Class<T> type) {
        String path = file.toString();
        try {
            NativeLibrary lib = NativeLibrary.getInstance(path, OPTIONS);
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass() != type) continue;
                try {
                    lib.getFunction(m.getName());
                } catch (UnsatisfiedLinkError e) {
                    throw new NativeLibraryException("llama.cpp native library " + file + " has no function "
                            + m.getName() + ": it is not the pinned llama.cpp build (node-llama-cpp "
                            + LlamaBuild.nodeLlamaCppVersion() + ")", e);
                }
            }
            return Native.load(path, type, OPTIONS);
        } catch (UnsatisfiedLinkError e) {
            throw new NativeLibraryException("cannot load llama.cpp native library " + file + ": " + e.getMessage(), e);
        }
    }

    public LlamaLibrary llama() {
        return llama;
    }

    public GgmlLibrary ggml() {
        return ggml;
    }

    /** The directory the libraries were loaded from. */
    public Path directory() {
        return dir;
    }

    private static void logLine(int level, Pointer text, Pointer userData) {
        if (text == null) return;
        String line = text.getString(0, "UTF-8").stripTrailing();
        if (line.isEmpty()) return;
        switch (level) {
            case 4 -> log.error(line);
            case 3 -> log.warn(line);
            default -> log.debug(line);
        }
    }

    @Override
    public String toString() {
        return "llama.cpp " + Objects.requireNonNullElse(llama.llama_version(), "?") + " from " + dir;
    }
}
