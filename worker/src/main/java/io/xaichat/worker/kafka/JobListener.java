package io.xaichat.worker.kafka;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** What the runtime reports as jobs go through it (metrics hang off this). */
public interface JobListener {

    /**
     * A job begins on a job thread or the cache-hit path. Always followed by {@link #finished}. Every hook may be
     * called from several threads at once.
     */
    default void started(JobKind kind) {}

    /** Processing of a job record ended, whatever the outcome. */
    default void finished(JobKind kind) {}

    /** An engine computed a result (cache hits do not compute). */
    default void computed(JobKind kind, ResultEnvelope result) {}

    /** @param hit null when the worker runs without a cache */
    default void cacheOutcome(JobKind kind, Boolean hit) {}

    /** A result (ok, error or expired) was acknowledged by the broker. */
    default void answered(JobKind kind, ResultEnvelope result) {}

    default void deadLettered(JobKind kind, io.xaichat.schema.ErrorCode code) {}

    /** A job answered on the cache-hit path: seconds from the record's intake to the broker's ack of its result. */
    default void cacheHitAnswered(JobKind kind, double seconds) {}

    /** The consumer loop of a kind started; {@code flow} is its latest buffer and commit state, readable anytime. */
    default void flowStarted(JobKind kind, Supplier<FlowState> flow) {}

    /**
     * The consumer of a kind's job topic was created. {@code metrics} is the consumer's {@code metrics()}, which
     * may be read from any thread (consumer lag comes from it).
     */
    default void consumerStarted(JobKind kind, Supplier<Map<MetricName, ? extends Metric>> metrics) {}

    JobListener NONE = new JobListener() {};
}
