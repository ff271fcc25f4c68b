package io.xaichat.worker.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.xaichat.worker.cpu.CpuSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Opens ONNX Runtime sessions with the worker's thread count and CPU pinning, the same way for vision and image.
 */
public final class OnnxSessions {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final int threads;
    private final CpuSet cpus;

    /**
     * @param threads intra-op threads (≥ 1)
     * @param cpus CPUs to pin the intra-op threads to; empty for no pinning. When set, its size must equal threads.
     */
    public OnnxSessions(int threads, CpuSet cpus) {
        if (threads < 1) throw new IllegalArgumentException("ONNX threads must be ≥ 1, got " + threads);
        if (!cpus.isEmpty() && cpus.size() != threads) {
            throw new IllegalArgumentException("CPU list " + cpus + " has " + cpus.size()
                    + " CPUs but " + threads + " threads were asked for; give one CPU per thread");
        }
        this.threads = threads;
        this.cpus = cpus;
    }

    public OrtEnvironment environment() {
        return env;
    }

    public OrtSession open(Path model) throws OrtException {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("ONNX model file not found: " + model);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (!cpus.isEmpty() && threads > 1) {
                // ORT pins the threads it creates (threads − 1; the caller's thread is the first), 1-based ids.
                options.addConfigEntry("session.intra_op_thread_affinities", affinities(cpus.ids()));
            }
            return env.createSession(model.toString(), options);
        }
    }

    static String affinities(List<Integer> ids) {
        return ids.stream().skip(1).map(id -> String.valueOf(id + 1)).collect(Collectors.joining(";"));
    }
}
