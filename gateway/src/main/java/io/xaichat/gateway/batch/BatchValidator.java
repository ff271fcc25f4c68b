package io.xaichat.gateway.batch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.BulkLineParser;
import io.xaichat.bulk.ParsedLine;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code validating} step: every line of the input file is parsed as the bulk runner will parse it, its model
 * checked against the served ones and its custom_id checked for uniqueness. Any problem fails the whole batch with
 * the line-level errors, as OpenAI's Batch API does.
 */
final class BatchValidator {
    private static final int MAX_REPORTED = 100;

    private final BulkLineParser parser;
    private final ModelCatalog models;
    private final int maxLines;

    BatchValidator(SchemaValidator validator, ModelCatalog models, int maxLines) {
        this.parser = new BulkLineParser(validator);
        this.models = models;
        this.maxLines = maxLines;
    }

    /** @param total set to the number of requests; @param errors receives OpenAI error objects; @return whether valid */
    record Outcome(int total, ArrayNode errors) {
        boolean valid() {
            return errors.isEmpty();
        }
    }

    Outcome validate(byte[] content) {
        ArrayNode errors = Json.MAPPER.createArrayNode();
        Map<String, Integer> seen = new HashMap<>();
        int total = 0;
        int lineNo = 0;
        for (String text : new String(content, StandardCharsets.UTF_8).split("\n", -1)) {
            lineNo++;
            if (text.isBlank()) continue;
            total++;
            ParsedLine parsed = parser.parse(lineNo, text.strip());
            String problemCode = null;
            String problem = null;
            if (parsed instanceof ParsedLine.Invalid bad) {
                problemCode = bad.code();
                problem = bad.message();
            } else if (parsed instanceof ParsedLine.Request r) {
                Integer first = seen.putIfAbsent(r.customId(), lineNo);
                if (first != null) {
                    problemCode = BulkLineParser.DUPLICATE_CUSTOM_ID;
                    problem = "custom_id '" + r.customId() + "' was already used on line " + first;
                } else if (!r.openAi()) {
                    problemCode = "invalid_request";
                    problem = "lines must be OpenAI batch requests (custom_id, method, url, body)";
                } else {
                    try {
                        models.resolve(r.model(), JobKind.CHAT);
                    } catch (ApiError e) {
                        problemCode = e.code();
                        problem = e.getMessage();
                    }
                }
            }
            if (problem != null && errors.size() < MAX_REPORTED) {
                ObjectNode e = errors.addObject();
                e.put("code", problemCode).put("message", problem).putNull("param").put("line", lineNo);
            }
        }
        if (total == 0 && errors.isEmpty()) {
            errors.addObject().put("code", "empty_file").put("message", "the input file has no requests")
                    .putNull("param").putNull("line");
        }
        if (total > maxLines) {
            errors.addObject().put("code", "too_many_requests").put("message", "the input file has " + total
                    + " requests; at most " + maxLines + " are allowed (XAICHAT_GATEWAY_MAX_BATCH_LINES)")
                    .putNull("param").putNull("line");
        }
        return new Outcome(total, errors);
    }

    /** How batch lines' body.model resolve: as an HTTP request's model does. */
    Map<String, String> modelMap() {
        return models.modelMap(JobKind.CHAT);
    }
}
