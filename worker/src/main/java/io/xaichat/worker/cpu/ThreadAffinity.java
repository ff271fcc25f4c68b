package io.xaichat.worker.cpu;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Binds threads to CPUs with Linux {@code sched_setaffinity}. A thread's binding is inherited by the threads it
 * starts, native ones included: binding the thread that loads a llama.cpp model binds the model's server thread and
 * its OpenMP workers (that build ignores llama.cpp's own CPU mask), and binding a job thread binds the ONNX Runtime
 * work it does itself.
 */
public final class ThreadAffinity {
    /** A {@code cpu_set_t} for up to 8192 CPUs. */
    private static final int MASK_BYTES = 1024;

    private interface LibC extends Library {
        int sched_setaffinity(int pid, NativeLong size, byte[] mask) throws LastErrorException;

        int sched_getaffinity(int pid, NativeLong size, byte[] mask) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private ThreadAffinity() {}

    /** Binds the calling thread to {@code cpus}; an empty set leaves it as it is. */
    public static void pinCurrentThread(CpuSet cpus) {
        if (cpus.isEmpty()) return;
        set(cpus);
    }

    /** The CPUs the calling thread may run on. */
    public static CpuSet ofCurrentThread() {
        byte[] mask = new byte[MASK_BYTES];
        try {
            Holder.LIBC.sched_getaffinity(0, new NativeLong(MASK_BYTES), mask);
        } catch (LastErrorException e) {
            throw new IllegalStateException("sched_getaffinity failed: errno " + e.getErrorCode(), e);
        }
        return CpuSet.fromMask(mask);
    }

    /**
     * Runs {@code action} with the calling thread bound to {@code cpus}, so that every thread it starts inherits
     * the binding, then restores the calling thread's CPUs.
     */
    public static <T> T callPinned(CpuSet cpus, Supplier<T> action) {
        if (cpus.isEmpty()) return action.get();
        CpuSet before = ofCurrentThread();
        set(cpus);
        try {
            return action.get();
        } finally {
            set(before);
        }
    }

    /** The CPUs this process may run on (what {@code taskset} or a container's cpuset allows). */
    public static CpuSet allowedForProcess() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) return CpuSet.parse(line.substring(line.indexOf(':') + 1));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: fall through
        }
        return CpuSet.parse("0-" + (Runtime.getRuntime().availableProcessors() - 1));
    }

    private static void set(CpuSet cpus) {
        try {
            Holder.LIBC.sched_setaffinity(0, new NativeLong(MASK_BYTES), cpus.toMask(MASK_BYTES));
        } catch (LastErrorException e) {
            throw new IllegalArgumentException("cannot bind to CPUs " + cpus + ": sched_setaffinity errno "
                    + e.getErrorCode() + " (are they online and allowed for this process: "
                    + allowedForProcess() + "?)", e);
        }
    }
}
