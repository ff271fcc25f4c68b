package io.xaichat.bulk;

import io.xaichat.schema.Sha256;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A parsed request with its ids.
 *
 * <p>{@code contentId} is a hash of the custom_id, kind, model and canonical request: the same line gets the same
 * content id in every run and wherever the file lives; the output line's id is {@code batch_req_<runId><contentId>}.
 * {@code jobId} is {@code bulk-<runId>-<contentId>}: the run id is fresh for every run, so an answer still in
 * flight from an earlier, interrupted run (possibly an {@code expired} one) can never be taken for this run's
 * answer, even on a shared reply topic. The result cache is keyed by the request, not the job id, so a rerun still
 * gets cache hits for what was computed before.
 */
record BulkJob(ParsedLine.Request request, String contentId, String jobId, String runId) {

    static BulkJob of(ParsedLine.Request request, String runId) {
        String contentId = contentId(request);
        return new BulkJob(request, contentId, "bulk-" + runId + "-" + contentId, runId);
    }

    /** The output line's {@code id}: unique per run, as OpenAI's {@code batch_req_} ids are. */
    String requestId() {
        return requestId(runId, contentId);
    }

    static String requestId(String runId, String suffix) {
        return "batch_req_" + runId + suffix;
    }

    /** The job to submit; an OpenAI line's model was already mapped by the parser ({@link ModelResolver}). */
    JobEnvelope envelope(Instant now) {
        return new JobEnvelope(JobEnvelope.SCHEMA_VERSION, jobId, request.kind(), null, now, null, request.model(),
                request.cache(), request.request());
    }

    static String contentId(ParsedLine.Request r) {
        MessageDigest sha = Sha256.newDigest();
        for (String part : new String[] {r.customId(), r.kind().wireName(), r.model() == null ? "" : r.model()}) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        sha.update(Json.canonical(r.request()));
        return HexFormat.of().formatHex(sha.digest(), 0, 12);
    }
}
