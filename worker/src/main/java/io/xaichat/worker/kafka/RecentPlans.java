package io.xaichat.worker.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.worker.cache.RecentEntries;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;

/**
 * {@link Engine#prepare} with a memory of the last plans, for engines whose plan follows from the request alone
 * ({@link Engine#plansFollowFromRequest}): a rerun of a bulk file is thousands of identical requests, and parsing,
 * applying the chat template and building the cache material was most of what a cache hit cost. Requests are
 * compared by value; a failed prepare is not remembered, and neither are large records (they are rare in bulk and
 * would take memory).
 */
final class RecentPlans {
    private static final int REMEMBERED = 256;

    private final RecentEntries<JsonNode, PreparedJob<?>> recent = new RecentEntries<>(REMEMBERED);

    <P> PreparedJob<P> prepare(Engine<P> engine, JobEnvelope job, int recordBytes) throws JobFailure {
        if (!engine.plansFollowFromRequest() || recordBytes > JobSchemaCheck.MAX_REMEMBERED_BYTES || job.request() == null) {
            return engine.prepare(job);
        }
        PreparedJob<?> known = recent.get(job.request());
        if (known != null) return rebind(known, job);
        PreparedJob<P> prepared = engine.prepare(job);
        JsonNode kept = job.request().deepCopy(); // the memory must not change if anyone later changes the job
        recent.put(kept, prepared);
        return prepared;
    }

    @SuppressWarnings("unchecked") // one RecentPlans per engine: every plan in it is that engine's P
    private static <P> PreparedJob<P> rebind(PreparedJob<?> known, JobEnvelope job) {
        PreparedJob<P> p = (PreparedJob<P>) known;
        return new PreparedJob<>(job, p.plan(), p.cacheMaterial(), p.deterministic(), p.streaming());
    }
}
