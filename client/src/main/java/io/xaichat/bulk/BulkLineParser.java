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
import io.xaichat.client.WorkerAdverts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one input line in either of the accepted formats:
 * <ul>
 *   <li>OpenAI Batch: {@code {"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {...}}} → a chat
 *       request, every body field mapped, checked or reported by {@link OpenAiRequestMapper}, {@code body.model}
 *       through {@link ModelResolver};</li>
 *   <li>xaichat: {@code {"custom_id", "kind", "request", "model"?, "cache"?}}, or a whole job envelope (its
 *       {@code job_id} serves as custom_id when there is none).</li>
 * </ul>
 * The resulting request is checked against the job schema here, so a bad line is reported with its line number
 * instead of coming back from a worker as an error.
 */
public final class BulkLineParser {
    // Wire values of the line codes (error files carry them as strings); defined once in ErrorCode.
    public static final String INVALID_JSON = io.xaichat.schema.ErrorCode.INVALID_JSON.wire();
    public static final String MISSING_CUSTOM_ID = io.xaichat.schema.ErrorCode.MISSING_CUSTOM_ID.wire();
    public static final String DUPLICATE_CUSTOM_ID = io.xaichat.schema.ErrorCode.DUPLICATE_CUSTOM_ID.wire();
    public static final String UNSUPPORTED_URL = io.xaichat.schema.ErrorCode.UNSUPPORTED_URL.wire();
    public static final String INVALID_REQUEST = io.xaichat.schema.ErrorCode.INVALID_REQUEST.wire();

    public static final String CHAT_COMPLETIONS_URL = "/v1/chat/completions";
    /** body.model maps to a model no advertising worker serves. */
    public static final String MODEL_NOT_SERVED = io.xaichat.schema.ErrorCode.MODEL_NOT_SERVED.wire();

    private final SchemaValidator validator;
    private final ModelResolver models;
    private final WorkerAdverts adverts;

    /** Models passed through as named, no worker limits known. */
    public BulkLineParser(SchemaValidator validator) {
        this(validator, ModelResolver.passThrough(), WorkerAdverts.none());
    }

    BulkLineParser(SchemaValidator validator, ModelResolver models, WorkerAdverts adverts) {
        this.validator = validator;
        this.models = models;
        this.adverts = adverts;
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
        JsonNode modelNode = body.get("model");
        if (modelNode != null && !modelNode.isNull() && !modelNode.isTextual()) {
            throw new LineException(customId, INVALID_REQUEST, "body.model must be a string, got " + modelNode);
        }
        OpenAiRequestMapper.Mapped mapped = OpenAiRequestMapper.map(customId, body, adverts.maxTokensLimit(JobKind.CHAT));
        ModelResolver.Resolution model = models.resolve(customId, JobKind.CHAT, text(body, "model"));
        List<LineWarning> warnings = new ArrayList<>(mapped.warnings());
        if (model.warning() != null) warnings.add(model.warning());
        checkSchema(customId, line, JobKind.CHAT, mapped.request(), model.model(), CachePolicy.AUTO, mapped.origins());
        return new ParsedLine.Request(line, customId, JobKind.CHAT, mapped.request(), model.model(), CachePolicy.AUTO,
                true, List.copyOf(warnings));
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

    /** Validates the request as part of a job envelope, exactly as a worker would, and checks the worker limits. */
    private ParsedLine.Request checked(int line, String customId, JobKind kind, JsonNode request, String model,
                                       CachePolicy cache, boolean openAi) throws LineException {
        checkSchema(customId, line, kind, request, model, cache, Map.of());
        JsonNode maxTokens = request.get("max_tokens");
        java.util.OptionalInt limit = adverts.maxTokensLimit(kind);
        if (maxTokens != null && limit.isPresent() && maxTokens.asLong() > limit.getAsInt()) {
            throw new LineException(customId, INVALID_REQUEST, "request.max_tokens " + maxTokens
                    + " exceeds the workers' limit of " + limit.getAsInt() + " tokens");
        }
        return new ParsedLine.Request(line, customId, kind, request, model, cache, openAi);
    }

    /**
     * @param origins for OpenAI lines, the body path each request field came from: the schema's complaints then
     *     name {@code body.max_completion_tokens}, not {@code /request/max_tokens}
     */
    private void checkSchema(String customId, int line, JobKind kind, JsonNode request, String model, CachePolicy cache,
                             Map<String, String> origins) throws LineException {
        JobEnvelope probe = new JobEnvelope(JobEnvelope.SCHEMA_VERSION, "line-" + line, kind, "validation",
                Instant.EPOCH, null, model, cache, request);
        List<String> problems = validator.validateJob(Json.MAPPER.valueToTree(probe));
        if (!problems.isEmpty()) {
            String where = origins.isEmpty() ? "request" : "body";
            throw new LineException(customId, INVALID_REQUEST, "invalid " + kind.wireName() + " request: "
                    + String.join("; ", problems.stream().map(p -> userPath(p, origins, where)).toList()));
        }
    }

    /** {@code /request/max_tokens: ...} or {@code $.request.max_tokens: ...} → {@code body.max_tokens: ...}. */
    static String userPath(String problem, Map<String, String> origins, String root) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:\\$\\.request|/request)([./][^:\\s]*)?")
                .matcher(problem);
        if (!m.find()) return problem;
        String rest = m.group(1) == null ? "" : m.group(1).replace('/', '.').replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
        String field = rest.isEmpty() ? "" : rest.substring(1).split("[.\\[]", 2)[0];
        String mapped = origins.get(field);
        String path = mapped != null ? mapped + rest.substring(1 + field.length()) : root + rest;
        return path + problem.substring(m.end());
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
}
