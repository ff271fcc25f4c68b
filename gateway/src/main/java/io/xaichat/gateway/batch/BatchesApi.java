package io.xaichat.gateway.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.BulkLineParser;
import io.xaichat.gateway.files.FileStore;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.http.HttpCall;
import io.xaichat.schema.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code /v1/batches}: create, retrieve, list and cancel, within the caller's tenant. The batch runs on whichever
 * gateway takes its lease ({@link BatchScheduler}); its {@code request_counts} are read live while it runs.
 */
public final class BatchesApi {
    private static final Duration COMPLETION_WINDOW = Duration.ofHours(24);

    private final BatchStore store;
    private final FileStore files;
    private final long maxBodyBytes;

    public BatchesApi(BatchStore store, FileStore files, long maxBodyBytes) {
        this.store = store;
        this.files = files;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void create(HttpCall call) throws Exception {
        JsonNode body = call.json(maxBodyBytes, "XAICHAT_GATEWAY_MAX_BODY_BYTES");
        String inputFileId = body.path("input_file_id").asText(null);
        if (inputFileId == null) throw ApiError.invalid("input_file_id", "missing_required_parameter", "input_file_id is required");
        ObjectNode file = files.meta(call.tenant(), inputFileId).orElseThrow(() -> ApiError.notFound("file", inputFileId));
        if (!"batch".equals(file.path("purpose").asText())) {
            throw ApiError.invalid("input_file_id", "invalid_value", "file " + inputFileId + " has purpose '"
                    + file.path("purpose").asText() + "', not 'batch'");
        }
        String endpoint = body.path("endpoint").asText(null);
        if (!BulkLineParser.CHAT_COMPLETIONS_URL.equals(endpoint)) {
            throw ApiError.invalid("endpoint", "unsupported_value", "endpoint '" + endpoint + "' is not supported (only "
                    + BulkLineParser.CHAT_COMPLETIONS_URL + ")");
        }
        String window = body.path("completion_window").asText(null);
        if (!"24h".equals(window)) {
            throw ApiError.invalid("completion_window", "unsupported_value", "completion_window must be '24h'");
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull() && (!metadata.isObject() || metadata.size() > 16)) {
            throw ApiError.invalid("metadata", "invalid_value", "metadata must be an object of at most 16 string values");
        }
        long now = Instant.now().getEpochSecond();
        ObjectNode batch = Json.MAPPER.createObjectNode();
        batch.put("id", "batch_" + UUID.randomUUID().toString().replace("-", ""));
        batch.put("object", "batch").put("endpoint", endpoint).putNull("errors");
        batch.put("input_file_id", inputFileId).put("completion_window", window).put("status", BatchStatus.VALIDATING);
        batch.putNull("output_file_id").putNull("error_file_id").put("created_at", now);
        for (String f : List.of("in_progress_at", "finalizing_at", "completed_at", "failed_at", "expired_at",
                "cancelling_at", "cancelled_at")) {
            batch.putNull(f);
        }
        batch.put("expires_at", now + COMPLETION_WINDOW.toSeconds());
        batch.putObject("request_counts").put("total", 0).put("completed", 0).put("failed", 0);
        if (metadata == null || metadata.isNull()) batch.putNull("metadata"); else batch.set("metadata", metadata);
        store.create(call.tenant(), batch);
        call.json(200, batch);
    }

    public void get(HttpCall call) {
        call.json(200, live(call.tenant(), find(call)));
    }

    public void list(HttpCall call) {
        int limit = 20;
        String l = call.query("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) throw ApiError.invalid("limit", "invalid_value", "limit must be 1 to 100");
        }
        List<ObjectNode> page = store.list(call.tenant(), call.query("after"), limit);
        boolean more = page.size() > limit;
        if (more) page = page.subList(0, limit);
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        page.forEach(b -> data.add(live(call.tenant(), b)));
        if (page.isEmpty()) {
            body.putNull("first_id").putNull("last_id");
        } else {
            body.put("first_id", page.get(0).get("id").asText()).put("last_id", page.get(page.size() - 1).get("id").asText());
        }
        body.put("has_more", more);
        call.json(200, body);
    }

    public void cancel(HttpCall call) {
        ObjectNode current = find(call);
        String status = current.path("status").asText();
        if (BatchStatus.terminal(status) || status.equals(BatchStatus.FINALIZING)) {
            throw new ApiError(409, "invalid_request_error", null, "batch_not_cancellable",
                    "Cannot cancel a batch with status '" + status + "'.");
        }
        long now = Instant.now().getEpochSecond();
        ObjectNode updated = store.update(call.tenant(), call.path("id"), b -> {
            String s = b.path("status").asText();
            if (!s.equals(BatchStatus.VALIDATING) && !s.equals(BatchStatus.IN_PROGRESS)) return null;
            return b.put("status", BatchStatus.CANCELLING).put("cancelling_at", now);
        }).orElseThrow(() -> ApiError.notFound("batch", call.path("id")));
        call.json(200, live(call.tenant(), updated));
    }

    private ObjectNode find(HttpCall call) {
        return store.get(call.tenant(), call.path("id")).orElseThrow(() -> ApiError.notFound("batch", call.path("id")));
    }

    /** While lines are being settled, the counts come from the settled lines themselves. */
    private ObjectNode live(String tenant, ObjectNode batch) {
        String status = batch.path("status").asText();
        if (status.equals(BatchStatus.IN_PROGRESS) || status.equals(BatchStatus.FINALIZING)
                || status.equals(BatchStatus.CANCELLING)) {
            BatchStore.Ref ref = new BatchStore.Ref(tenant, batch.get("id").asText());
            batch.with("request_counts").put("completed", store.completedCount(ref)).put("failed", store.failedCount(ref));
        }
        return batch;
    }
}
