package io.xaichat.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A job as it travels on a job topic. {@code request} stays a tree here: its shape depends on {@code kind}
 * and is read into {@link ChatRequest}, {@link VisionRequest} or {@link ImageRequest} by the engine.
 */
public record JobEnvelope(
        int schemaVersion,
        String jobId,
        JobKind kind,
        String replyTo,
        Instant createdAt,
        Instant deadline,
        String model,
        CachePolicy cache,
        JsonNode request,
        String cacheScope) {

    public static final int SCHEMA_VERSION = 1;

    public JobEnvelope {
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(kind, "kind");
        if (cache == null) cache = CachePolicy.AUTO;
    }

    /** A job without a cache scope. */
    public JobEnvelope(int schemaVersion, String jobId, JobKind kind, String replyTo, Instant createdAt,
                       Instant deadline, String model, CachePolicy cache, JsonNode request) {
        this(schemaVersion, jobId, kind, replyTo, createdAt, deadline, model, cache, request, null);
    }

    public static JobEnvelope of(String jobId, JobKind kind, String replyTo, Object request) {
        return new JobEnvelope(SCHEMA_VERSION, jobId, kind, replyTo, Instant.now(), null, null,
                CachePolicy.AUTO, Json.MAPPER.valueToTree(request));
    }

    public JobEnvelope withDeadline(Instant newDeadline) {
        return new JobEnvelope(schemaVersion, jobId, kind, replyTo, createdAt, newDeadline, model, cache, request, cacheScope);
    }

    public JobEnvelope withCache(CachePolicy policy) {
        return new JobEnvelope(schemaVersion, jobId, kind, replyTo, createdAt, deadline, model, policy, request, cacheScope);
    }

    public JobEnvelope withReplyTo(String topic) {
        return new JobEnvelope(schemaVersion, jobId, kind, topic, createdAt, deadline, model, cache, request, cacheScope);
    }

    public JobEnvelope withCacheScope(String scope) {
        return new JobEnvelope(schemaVersion, jobId, kind, replyTo, createdAt, deadline, model, cache, request, scope);
    }
}
