package io.xaichat.worker.engine;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.cpu.CpuSet;

/**
 * A resident model serving one kind of job. Loaded once at worker start and kept for the life of the process;
 * {@link #run} is called from at most {@link #slots()} threads at a time (the runtime serializes further calls).
 *
 * @param <R> the engine's parsed request type
 */
public interface Engine<R> extends AutoCloseable {

    JobKind kind();

    /** Model id reported in results (e.g. {@code qwen2.5-1.5b-instruct-q4_k_m}). */
    String modelId();

    /** Digest of the model files: part of every cache key, so a replaced model never serves stale results. */
    String modelDigest();

    /**
     * Parses and checks a job's request without computing anything. Everything that determines the output goes
     * into {@link PreparedJob#cacheMaterial()}.
     *
     * @throws JobFailure with a client-facing code for a request this engine cannot serve
     */
    PreparedJob<R> prepare(JobEnvelope job) throws JobFailure;

    /** Computes the job, streaming partial output to {@code sink} when the request asked for it. */
    EngineResult run(PreparedJob<R> job, ChunkSink sink) throws JobFailure;

    /** The CPUs this engine is pinned to (empty: not pinned); the job thread that calls {@link #run} is bound to them. */
    default CpuSet cpus() {
        return CpuSet.none();
    }

    /** How many run calls the engine serves at once; run may be called from this many threads concurrently. */
    default int slots() {
        return 1;
    }

    /** How many inferences {@link #run} has performed since start (cache hits do not count). */
    long inferenceCount();

    /** Releases native memory. */
    @Override
    void close();
}
