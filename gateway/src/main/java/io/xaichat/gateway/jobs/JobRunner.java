package io.xaichat.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.client.JobTimeoutException;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.tenant.TenantClients;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.StreamChunk;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** Submits one HTTP request's job for its tenant and turns what comes back into an answer or an {@link ApiError}. */
public final class JobRunner {
    private final TenantClients clients;
    private final Duration timeout;

    public JobRunner(TenantClients clients, Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
    }

    /** A fresh job id: {@code gw-<uuid>}. */
    public static String newJobId() {
        return "gw-" + UUID.randomUUID();
    }

    /** @param onChunk stream chunks, on the client's reply thread (hand them off; do not block) */
    public CompletableFuture<ResultEnvelope> submit(String tenant, String jobId, JobKind kind, String model,
                                                    JsonNode request, Consumer<StreamChunk> onChunk) {
        JobEnvelope job = new JobEnvelope(JobEnvelope.SCHEMA_VERSION, jobId, kind, null, null, null, model,
                CachePolicy.AUTO, request);
        try {
            return clients.client(tenant).submit(job, onChunk, timeout);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** The job's successful result. @throws ApiError for an error result, a timeout or a failed send */
    public ResultEnvelope await(CompletableFuture<ResultEnvelope> future) throws InterruptedException {
        ResultEnvelope result;
        try {
            result = future.get();
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
        if (!result.ok()) throw error(result);
        return result;
    }

    /** A submission that did not come back with a result. */
    public static ApiError failure(Throwable cause) {
        if (cause instanceof JobTimeoutException t) {
            return new ApiError(504, "server_error", null, ErrorCode.TIMEOUT.wire(), "No worker answered within "
                    + t.timeout().toSeconds() + " s (XAICHAT_GATEWAY_REQUEST_TIMEOUT); the job may still be computed.");
        }
        return unavailable(cause);
    }

    private static ApiError unavailable(Throwable cause) {
        return new ApiError(503, "server_error", null, "queue_unavailable",
                "The job could not be queued: " + cause.getMessage());
    }

    /** An error or expired result in OpenAI's terms: the request's fault is a 400, the server's a 5xx. */
    public static ApiError error(ResultEnvelope result) {
        if (result.status() == ResultStatus.EXPIRED) {
            return new ApiError(504, "server_error", null, ErrorCode.DEADLINE_EXPIRED.wire(),
                    "The job expired in the queue before a worker reached it.");
        }
        if (result.error() == null) return ApiError.invalid(null, "error", "the job failed");
        ErrorCode code = result.error().code();
        String message = result.error().message();
        return switch (code) {
            case ENGINE_FAILURE, REPLY_FAILED -> new ApiError(500, "server_error", null, code.wire(), message);
            case TIMEOUT -> new ApiError(504, "server_error", null, code.wire(), message);
            case MODEL_MISMATCH -> new ApiError(404, "invalid_request_error", "model", "model_not_found", message);
            default -> ApiError.invalid(null, code.wire(), message);
        };
    }
}
