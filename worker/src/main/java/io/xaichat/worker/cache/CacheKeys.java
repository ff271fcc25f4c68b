package io.xaichat.worker.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobKind;

/**
 * {@link CacheKey#of} with a memory of the keys computed last: the jobs of a batch of identical requests have equal
 * material (compared by value), so the canonical form is written and hashed once, not once per job. Materials
 * above a few kilobytes are not remembered (they are rare in bulk, and would take memory).
 */
public final class CacheKeys {
    private static final int REMEMBERED = 256;
    private static final int MAX_REMEMBERED_BYTES = 16 * 1024;

    private record Input(JobKind kind, String modelId, String modelDigest, JsonNode material, String scope) {}

    private final RecentEntries<Input, CacheKey> recent = new RecentEntries<>(REMEMBERED);

    public CacheKey of(JobKind kind, String modelId, String modelDigest, JsonNode material, String scope) {
        Input input = new Input(kind, modelId, modelDigest, material, scope);
        CacheKey known = recent.get(input);
        if (known != null) return known;
        CacheKey.Computed computed = CacheKey.compute(kind, modelId, modelDigest, material, scope);
        if (computed.canonicalBytes() <= MAX_REMEMBERED_BYTES) {
            // A copy: the memory must not change if anyone later changes the job's material.
            Input kept = new Input(kind, modelId, modelDigest, material.deepCopy(), scope);
            recent.put(kept, computed.key());
        }
        return computed.key();
    }
}
