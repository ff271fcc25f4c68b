package io.xaichat.worker.engine;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.cpu.CpuSet;

/**
 * A resident model serving one kind of job. Loaded once at worker start and kept for the life of the process;
 * {@link #run} is called from at most {@link #slots()} threads at a time (the runtime serializes further calls).
 *
 * @param <P> the engine's plan: what {@link #prepare} computes for a job and {@link #run} executes
 */
public interface Engine<P> extends AutoCloseable {

    JobKind kind();

    /** Model id reported in results (e.g. {@code qwen2.5-1.5b-instruct-q4_k_m}). */
    String modelId();

    /** Digest of the model files: part of every cache key, so a replaced model never serves stale results. */
    String modelDigest();

    /**
     * Parses and checks a job's request (this kind's rules live here) and builds its plan, without running the model.
     * Everything that determines the output goes into {@link PreparedJob#cacheMaterial()}.
     *
     * @throws JobFailure with a client-facing code for a request this engine cannot serve
     */
    PreparedJob<P> prepare(JobEnvelope job) throws JobFailure;

    /**
     * Whether {@link #prepare} depends on {@code job.request()} alone (not on the rest of the envelope, files or the
     * clock), with a plan {@link #run} only reads: then a worker may reuse the plan of an identical request, which
     * is most of the work of a cache hit. False by default; vision is false since a request may name an image file.
     */
    default boolean plansFollowFromRequest() {
        return false;
    }

    /** Executes the job's plan, streaming partial output to {@code sink} when the request asked for it. */
    EngineResult run(PreparedJob<P> job, ChunkSink sink) throws JobFailure;

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
