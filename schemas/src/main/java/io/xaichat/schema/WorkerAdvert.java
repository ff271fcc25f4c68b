package io.xaichat.schema;

import java.time.Instant;

/**
 * What a worker serves and accepts, published on start to the compacted {@code <prefix>.workers} topic (key
 * {@code <worker_id>/<kind>}) and removed (a tombstone) on a clean stop, so producers can check requests before
 * sending them.
 *
 * @param maxTokensLimit larger {@code max_tokens} are refused with invalid_request
 * @param maxRecordBytes larger job records are refused with record_too_large
 */
public record WorkerAdvert(String workerId, JobKind kind, String model, int maxTokensLimit, int maxRecordBytes,
                           Instant advertisedAt) {

    public String key() {
        return key(workerId, kind);
    }

    public static String key(String workerId, JobKind kind) {
        return workerId + "/" + kind.wireName();
    }
}
