package io.xaichat.gateway.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.ResultLines;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.jobs.RequestCheck;
import io.xaichat.gateway.http.HttpCall;
import io.xaichat.gateway.jobs.JobRunner;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.SchemaValidator;
import java.time.Instant;
import java.util.List;

/**
 * {@code POST /v1/images/generations}: one image job, answered as {@code {created, data: [{b64_json}]}}. OpenAI's
 * {@code prompt}, {@code size} ("WxH"), {@code n} (1) and {@code response_format} (b64_json) are understood;
 * {@code steps}, {@code seed} and {@code guidance_scale} pass through as extensions.
 */
public final class ImageGenerations {
    private final SchemaValidator validator;
    private final ModelCatalog models;
    private final JobRunner jobs;
    private final long maxBodyBytes;

    public ImageGenerations(SchemaValidator validator, ModelCatalog models, JobRunner jobs, long maxBodyBytes) {
        this.validator = validator;
        this.models = models;
        this.jobs = jobs;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void handle(HttpCall call) throws Exception {
        JsonNode body = call.json(maxBodyBytes, "XAICHAT_GATEWAY_MAX_BODY_BYTES");
        String model = models.resolve(body.path("model").isTextual() ? body.get("model").asText() : null, JobKind.IMAGE);
        ObjectNode request = request(body);
        String jobId = JobRunner.newJobId();
        ResultEnvelope result = jobs.await(jobs.submit(call.tenant(), jobId, JobKind.IMAGE, model, request, null));
        call.json(200, ResultLines.imagesResponse(result, Instant.now().getEpochSecond()));
    }

    private ObjectNode request(JsonNode body) {
        if (!body.path("prompt").isTextual() || body.get("prompt").asText().isBlank()) {
            throw ApiError.invalid("prompt", "missing_prompt", "prompt must be a non-empty string");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt() != 1) {
            throw ApiError.invalid("n", "unsupported_value", "n=" + n + " is not supported (one image per request)");
        }
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull() && !"b64_json".equals(format.asText())) {
            throw ApiError.invalid("response_format", "unsupported_value", "response_format '" + format.asText()
                    + "' is not supported: images are returned inline as b64_json");
        }
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("prompt", body.get("prompt").asText());
        JsonNode size = body.get("size");
        if (size != null && !size.isNull() && !"auto".equals(size.asText())) {
            String[] wh = size.asText().split("x");
            try {
                if (wh.length != 2) throw new NumberFormatException();
                request.put("width", Integer.parseInt(wh[0].trim()));
                request.put("height", Integer.parseInt(wh[1].trim()));
            } catch (NumberFormatException e) {
                throw ApiError.invalid("size", "invalid_value", "size must be WIDTHxHEIGHT, e.g. 512x512");
            }
        }
        for (String f : List.of("steps", "seed", "guidance_scale")) {
            if (body.hasNonNull(f)) request.set(f, body.get(f));
        }
        RequestCheck.check(validator, JobKind.IMAGE, request);
        return request;
    }
}
