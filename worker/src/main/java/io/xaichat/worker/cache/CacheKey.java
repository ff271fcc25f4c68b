package io.xaichat.worker.cache;

import io.xaichat.schema.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;

/**
 * {@code xaichat:v1:} + SHA-256 of the canonical JSON of everything that determines an output: the kind, the model
 * id and file digest, and the engine's cache material (messages or prompt, sampling parameters, seed, ...).
 */
public record CacheKey(String value) {
    public static final String PREFIX = "xaichat:v1:";

    public static CacheKey of(JobKind kind, String modelId, String modelDigest, JsonNode material) {
        return of(kind, modelId, modelDigest, material, null);
    }

    /** @param scope a {@link CacheScope}: only jobs of the same scope share the key; null is the unscoped cache */
    public static CacheKey of(JobKind kind, String modelId, String modelDigest, JsonNode material, String scope) {
        return compute(kind, modelId, modelDigest, material, scope).key();
    }

    /** A key and the size of the canonical form it hashes. */
    record Computed(CacheKey key, int canonicalBytes) {}

    static Computed compute(JobKind kind, String modelId, String modelDigest, JsonNode material, String scope) {
        ObjectNode whole = Json.MAPPER.createObjectNode();
        if (scope != null) whole.put("scope", scope);
        whole.put("kind", kind.wireName());
        whole.put("model", modelId);
        whole.put("model_digest", modelDigest);
        whole.set("request", material);
        byte[] canonical = Json.canonical(whole);
        return new Computed(new CacheKey(PREFIX + sha256Hex(canonical)), canonical.length);
    }

    /** The key of the short-lived lock that lets one worker compute while identical jobs wait. */
    public String lockKey() {
        return value + ":lock";
    }

    static String sha256Hex(byte[] bytes) {
        return Sha256.hex(bytes);
    }

    @Override
    public String toString() {
        return value;
    }
}
