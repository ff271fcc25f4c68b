package io.xaichat.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Reads one input line in either of the accepted formats:
 * <ul>
 *   <li>OpenAI Batch: {@code {"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {model, messages,
 *       max_tokens | max_completion_tokens, temperature, top_p, seed, stop}}} → a chat request;</li>
 *   <li>xaichat: {@code {"custom_id", "kind", "request", "model"?, "cache"?}}, or a whole job envelope (its
 *       {@code job_id} serves as custom_id when there is none).</li>
 * </ul>
 * The resulting request is checked against the job schema here, so a bad line is reported with its line number
 * instead of coming back from a worker as an error.
 */
public final class BulkLineParser {
    public static final String INVALID_JSON = "invalid_json";
    public static final String MISSING_CUSTOM_ID = "missing_custom_id";
    public static final String DUPLICATE_CUSTOM_ID = "duplicate_custom_id";
    public static final String UNSUPPORTED_URL = "unsupported_url";
    public static final String INVALID_REQUEST = "invalid_request";

    public static final String CHAT_COMPLETIONS_URL = "/v1/chat/completions";
    private static final Map<String, String> ROLES = Map.of(
            "system", "system", "developer", "system", "user", "user", "assistant", "assistant");

    private final SchemaValidator validator;

    public BulkLineParser(SchemaValidator validator) {
        this.validator = validator;
    }

    /** @param text the line without its line terminator, not blank */
    public ParsedLine parse(int line, String text) {
        JsonNode tree;
        try {
            tree = Json.tree(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new ParsedLine.Invalid(line, null, INVALID_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            return new ParsedLine.Invalid(line, null, INVALID_JSON, "not a JSON object");
        }
        try {
            if (tree.has("body") || tree.has("url") || tree.has("method")) return openAi(line, tree);
            if (tree.has("request")) return xaichat(line, tree);
            throw new LineException(customIdOrNull(tree), INVALID_REQUEST, "neither an OpenAI batch request "
                    + "(custom_id, method, url, body) nor an xaichat job (custom_id, kind, request)");
        } catch (LineException e) {
            return new ParsedLine.Invalid(line, e.customId, e.code, e.getMessage());
        }
    }

    private ParsedLine.Request openAi(int line, JsonNode tree) throws LineException {
        String customId = requireCustomId(tree, "custom_id");
        String method = text(tree, "method");
        if (method != null && !method.equals("POST")) {
            throw new LineException(customId, INVALID_REQUEST, "method '" + method + "' is not supported (only POST)");
        }
        String url = text(tree, "url");
        if (!CHAT_COMPLETIONS_URL.equals(url)) {
            throw new LineException(customId, UNSUPPORTED_URL, "url '" + url + "' is not supported (only "
                    + CHAT_COMPLETIONS_URL + ")");
        }
        JsonNode body = tree.get("body");
        if (body == null || !body.isObject()) throw new LineException(customId, INVALID_REQUEST, "body must be an object");
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.set("messages", messages(customId, body.get("messages")));
        JsonNode maxTokens = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens")
                : body.get("max_tokens");
        copy(maxTokens, request, "max_tokens");
        for (String field : List.of("temperature", "top_p", "seed")) copy(body.get(field), request, field);
        JsonNode stop = body.get("stop");
        if (stop != null && stop.isTextual()) {
            request.putArray("stop").add(stop.asText());
        } else {
            copy(stop, request, "stop");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt() != 1) {
            throw new LineException(customId, INVALID_REQUEST, "n=" + n + " is not supported (one choice per request)");
        }
        String model = text(body, "model");
        return checked(line, customId, JobKind.CHAT, request, model, CachePolicy.AUTO, true);
    }

    private static ArrayNode messages(String customId, JsonNode messages) throws LineException {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new LineException(customId, INVALID_REQUEST, "body.messages must be a non-empty array");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        int i = 0;
        for (JsonNode m : messages) {
            String role = ROLES.get(text(m, "role"));
            if (role == null) {
                throw new LineException(customId, INVALID_REQUEST, "body.messages[" + i + "].role '" + text(m, "role")
                        + "' is not supported (system, developer, user or assistant)");
            }
            out.addObject().put("role", role).put("content", content(customId, i, m.get("content")));
            i++;
        }
        return out;
    }

    /** A string, or an array of text parts joined; images belong in vision lines. */
    private static String content(String customId, int index, JsonNode content) throws LineException {
        if (content != null && content.isTextual()) return content.asText();
        if (content != null && content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(text(part, "type")) || !part.path("text").isTextual()) {
                    throw new LineException(customId, INVALID_REQUEST, "body.messages[" + index + "] has a '"
                            + text(part, "type") + "' content part; only text parts are supported "
                            + "(send images as xaichat vision lines)");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw new LineException(customId, INVALID_REQUEST, "body.messages[" + index
                + "].content must be a string or an array of text parts");
    }

    private ParsedLine.Request xaichat(int line, JsonNode tree) throws LineException {
        String customId = tree.hasNonNull("custom_id") || !tree.has("job_id")
                ? requireCustomId(tree, "custom_id") : requireCustomId(tree, "job_id");
        JobKind kind;
        try {
            kind = JobKind.fromWire(text(tree, "kind"));
        } catch (IllegalArgumentException e) {
            throw new LineException(customId, INVALID_REQUEST, e.getMessage());
        }
        CachePolicy cache;
        try {
            cache = tree.hasNonNull("cache") ? CachePolicy.fromWire(text(tree, "cache")) : CachePolicy.AUTO;
        } catch (IllegalArgumentException e) {
            throw new LineException(customId, INVALID_REQUEST, e.getMessage());
        }
        JsonNode request = tree.get("request");
        if (!request.isObject()) throw new LineException(customId, INVALID_REQUEST, "request must be an object");
        return checked(line, customId, kind, request, text(tree, "model"), cache, false);
    }

    /** Validates the request as part of a job envelope, exactly as a worker would. */
    private ParsedLine.Request checked(int line, String customId, JobKind kind, JsonNode request, String model,
                                       CachePolicy cache, boolean openAi) throws LineException {
        JobEnvelope probe = new JobEnvelope(JobEnvelope.SCHEMA_VERSION, "line-" + line, kind, "validation",
                Instant.EPOCH, null, model, cache, request);
        List<String> problems = validator.validateJob(Json.MAPPER.valueToTree(probe));
        if (!problems.isEmpty()) {
            throw new LineException(customId, INVALID_REQUEST, "invalid " + kind.wireName() + " request: "
                    + String.join("; ", problems));
        }
        return new ParsedLine.Request(line, customId, kind, request, model, cache, openAi);
    }

    private static String requireCustomId(JsonNode tree, String field) throws LineException {
        JsonNode id = tree.get(field);
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new LineException(null, MISSING_CUSTOM_ID, field + " is missing or not a non-empty string");
        }
        return id.asText();
    }

    private static String customIdOrNull(JsonNode tree) {
        return text(tree, "custom_id");
    }

    private static void copy(JsonNode value, ObjectNode into, String field) {
        if (value != null && !value.isNull()) into.set(field, value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static final class LineException extends Exception {
        final String customId;
        final String code;

        LineException(String customId, String code, String message) {
            super(message);
            this.customId = customId;
            this.code = code;
        }
    }
}
