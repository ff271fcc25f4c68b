package io.xaichat.worker.kafka;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;

/** What the runtime reports as jobs go through it (metrics hang off this). */
public interface JobListener {

    /** An engine computed a result (cache hits do not compute). */
    default void computed(JobKind kind, ResultEnvelope result) {}

    /** @param hit null when the worker runs without a cache */
    default void cacheOutcome(JobKind kind, Boolean hit) {}

    /** A result (ok, error or expired) was acknowledged by the broker. */
    default void answered(JobKind kind, ResultEnvelope result) {}

    default void deadLettered(JobKind kind, String code) {}

    JobListener NONE = new JobListener() {};
}
