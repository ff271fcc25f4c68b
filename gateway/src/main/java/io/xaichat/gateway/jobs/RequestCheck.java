package io.xaichat.gateway.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.util.List;

/** Checks a mapped request against the job schema before it is sent, so the caller gets a 400, not a worker error. */
public final class RequestCheck {
    private RequestCheck() {}

    public static void check(SchemaValidator validator, JobKind kind, ObjectNode request) {
        ObjectNode probe = Json.MAPPER.createObjectNode();
        probe.put("schema_version", 1).put("job_id", "probe").put("kind", kind.wireName()).put("reply_to", "probe")
                .put("created_at", "2026-01-01T00:00:00Z").set("request", request);
        List<String> problems = validator.validateJob(probe);
        if (!problems.isEmpty()) {
            throw ApiError.invalid(null, "invalid_request", "invalid " + kind.wireName() + " request: "
                    + String.join("; ", problems));
        }
    }
}
