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
 * content id in every run and wherever the file lives (it names the output line, {@code batch_req_<contentId>}).
 * {@code jobId} is {@code bulk-<runId>-<contentId>}: the run id is fresh for every run, so an answer still in
 * flight from an earlier, interrupted run (possibly an {@code expired} one) can never be taken for this run's
 * answer, even on a shared reply topic. The result cache is keyed by the request, not the job id, so a rerun still
 * gets cache hits for what was computed before.
 */
record BulkJob(ParsedLine.Request request, String contentId, String jobId) {

    static BulkJob of(ParsedLine.Request request, String runId) {
        String contentId = contentId(request);
        return new BulkJob(request, contentId, "bulk-" + runId + "-" + contentId);
    }

    /** @param honorModel whether an OpenAI line's {@code body.model} is passed on (else the worker's model serves) */
    JobEnvelope envelope(boolean honorModel, Instant now) {
        String model = request.openAi() && !honorModel ? null : request.model();
        return new JobEnvelope(JobEnvelope.SCHEMA_VERSION, jobId, request.kind(), null, now, null, model,
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
