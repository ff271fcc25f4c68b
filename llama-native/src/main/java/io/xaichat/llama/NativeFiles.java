package io.xaichat.llama;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Where the llama.cpp libraries are on disk. The build puts them in this module's jar under
 * {@code io/xaichat/llama/native/<platform>/} with an {@code index.txt} (name, size, SHA-256 per file); at run time
 * they are extracted once into a private directory of the temp dir named after the index's hash
 * ({@code xaichat-llama-<user>-<hash>}, mode 700) and checked against the index on every start, so a damaged or
 * replaced file is rewritten instead of loaded. A user-given directory is used as it is.
 */
public final class NativeFiles {
    /** The entry library; its NEEDED libraries are found next to it (RUNPATH $ORIGIN). */
    public static final String LLAMA = "libllama.v0.5.0.so";
    public static final String GGML = "libggml.v0.5.0.so";
    public static final String GGML_BASE = "libggml-base.so";
    private static final String ROOT = "io/xaichat/llama/native/";

    private NativeFiles() {}

    public record Entry(String name, long size, String sha256) {}

    /** {@code linux-x64} or {@code linux-arm64}, as node-llama-cpp names its packages. */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
        return (os.contains("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    /** The libraries bundled for this platform, extracted and verified. */
    public static Path extracted() {
        String platform = platform();
        String index = resourceText(ROOT + platform + "/index.txt");
        if (index == null) {
            throw new NativeLibraryException("no llama.cpp native libraries for " + platform + " on the class path ("
                    + ROOT + platform + "/index.txt in the xaichat-llama-native jar); builds for linux-x64 and"
                    + " linux-arm64 carry them, or point --llama-lib-dir/XAICHAT_LLAMA_LIB_DIR at a directory"
                    + " holding " + LLAMA + " and its libggml libraries");
        }
        List<Entry> entries = parse(index);
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "xaichat-llama-" + user + "-"
                + sha256(index.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
        try {
            createPrivateDir(dir);
            for (Entry e : entries) {
                Path target = dir.resolve(e.name());
                if (Files.isRegularFile(target) && Files.size(target) == e.size()
                        && sha256(Files.readAllBytes(target)).equals(e.sha256())) continue;
                byte[] bytes;
                try (InputStream in = NativeFiles.class.getClassLoader().getResourceAsStream(ROOT + platform + "/" + e.name())) {
                    if (in == null) throw new NativeLibraryException("llama.cpp native library " + ROOT + platform
                            + "/" + e.name() + " is listed in index.txt but missing from the xaichat-llama-native jar");
                    bytes = in.readAllBytes();
                }
                if (!sha256(bytes).equals(e.sha256())) {
                    throw new NativeLibraryException("llama.cpp native library " + ROOT + platform + "/" + e.name()
                            + " in the xaichat-llama-native jar does not match its SHA-256 in index.txt: the jar is damaged");
                }
                Path tmp = Files.createTempFile(dir, e.name(), ".tmp");
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new NativeLibraryException("cannot extract the llama.cpp native libraries to " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /**
     * Checks a directory holds the libraries the engine loads, as shared objects of this machine's kind, before
     * anything is handed to the dynamic loader; the exception names the first missing or wrong file.
     */
    public static void check(Path dir) {
        for (String name : List.of(LLAMA, GGML, GGML_BASE)) {
            Path file = dir.resolve(name).toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new NativeLibraryException("llama.cpp native library not found: " + file
                        + " (a llama.cpp library directory holds " + LLAMA + ", " + GGML + ", " + GGML_BASE
                        + " and libggml-cpu-*.so, as in the npm package @node-llama-cpp/" + platform() + ")");
            }
            String problem = elfProblem(file);
            if (problem != null) {
                throw new NativeLibraryException("llama.cpp native library " + file + " is not usable: " + problem);
            }
        }
    }

    /** Why a file is not a 64-bit little-endian ELF shared object for this CPU, or null if it is one. */
    private static String elfProblem(Path file) {
        byte[] h = new byte[20];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(h, 0, h.length);
            if (n < h.length || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
                return "it is not an ELF shared library";
            }
        } catch (IOException e) {
            return "it cannot be read (" + e.getMessage() + ")";
        }
        if (h[4] != 2 || h[5] != 1) return "it is not a 64-bit little-endian library";
        int machine = (h[18] & 0xff) | (h[19] & 0xff) << 8;
        int want = platform().endsWith("-arm64") ? 183 : 62;
        if (machine != want) return "it is built for another CPU (ELF machine " + machine + ", this one needs " + want + ")";
        return null;
    }

    static List<Entry> parse(String index) {
        List<Entry> entries = new ArrayList<>();
        for (String line : index.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.trim().split(" ");
            entries.add(new Entry(f[0], Long.parseLong(f[1]), f[2]));
        }
        return entries;
    }

    private static void createPrivateDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    static String resourceText(String name) {
        try (InputStream in = NativeFiles.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
