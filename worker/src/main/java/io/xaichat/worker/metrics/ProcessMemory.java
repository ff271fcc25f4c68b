package io.xaichat.worker.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's resident memory from {@code /proc/self/status}: the models' weights are native memory (llama.cpp,
 * ONNX Runtime) that no JVM memory pool shows, so RSS is the figure to size {@code MemoryMax} and container limits by.
 */
public final class ProcessMemory {
    private final Path status;

    public ProcessMemory() {
        this(Path.of("/proc/self/status"));
    }

    ProcessMemory(Path status) {
        this.status = status;
    }

    /** Resident set size now (VmRSS), in bytes; empty where /proc is not available. */
    public OptionalLong residentBytes() {
        return field("VmRSS:");
    }

    /** Highest resident set size since start (VmHWM), in bytes. */
    public OptionalLong peakResidentBytes() {
        return field("VmHWM:");
    }

    private OptionalLong field(String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) return OptionalLong.of(parseKb(line.substring(name.length())) * 1024);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc hidden: no sample rather than a wrong one
        }
        return OptionalLong.empty();
    }

    /** "   123456 kB" → 123456 */
    static long parseKb(String value) {
        String v = value.trim();
        if (!v.endsWith("kB")) throw new IllegalArgumentException("expected a value in kB, got '" + v + "'");
        return Long.parseLong(v.substring(0, v.length() - 2).trim());
    }
}
