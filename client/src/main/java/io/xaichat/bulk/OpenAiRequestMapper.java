package io.xaichat.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns the {@code body} of an OpenAI Batch chat-completions line into an xaichat chat request. {@link #TABLE} is
 * the one place that says what happens to each body field: mapped onto a chat-request field (with OpenAI's value
 * ranges checked here, in the user's terms, {@code body.temperature}), or ignored with a warning. A field that is
 * not in the table is ignored with an {@code unknown_field} warning, so nothing is dropped silently.
 *
 * <p>OpenAI's defaults apply to what the line leaves out: temperature 1, top_p 1, no top-k filter, and as many
 * tokens as the workers allow (their advertised max_tokens limit; the workers' default when none is advertised).
 */
final class OpenAiRequestMapper {

    /** The mapped request, its warnings, and for each request field the body path it came from. */
    record Mapped(ObjectNode request, List<LineWarning> warnings, Map<String, String> origins) {}

    static final String IGNORED_FIELD = "ignored_field";
    static final String UNKNOWN_FIELD = "unknown_field";
    static final String MAPPED_VALUE = "mapped_value";
    private static final BigInteger TWO_TO_32 = BigInteger.ONE.shiftLeft(32);

    @FunctionalInterface
    private interface Rule {
        void apply(Context c, JsonNode value) throws LineException;
    }

    private static final Map<String, Rule> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put("model", (c, v) -> { }); // resolved by ModelResolver: it picks the job's model, not a request field
        TABLE.put("messages", (c, v) -> c.set("messages", "body.messages", BulkMessages.fromOpenAi(c.customId, v)));
        TABLE.put("max_completion_tokens", (c, v) -> c.set("max_tokens", "body.max_completion_tokens",
                c.integer("max_completion_tokens", v, 1, Long.MAX_VALUE)));
        TABLE.put("max_tokens", OpenAiRequestMapper::maxTokens);
        TABLE.put("temperature", (c, v) -> c.set("temperature", "body.temperature", c.number("temperature", v, 0, 2)));
        TABLE.put("top_p", OpenAiRequestMapper::topP);
        TABLE.put("seed", OpenAiRequestMapper::seed);
        TABLE.put("stop", OpenAiRequestMapper::stop);
        TABLE.put("n", (c, v) -> {
            if (c.integer("n", v, 1, 128).asInt() != 1) {
                throw c.invalid("body.n=" + v + " is not supported (one choice per request)");
            }
        });
        TABLE.put("presence_penalty", (c, v) -> c.set("presence_penalty", "body.presence_penalty",
                c.number("presence_penalty", v, -2, 2)));
        TABLE.put("frequency_penalty", (c, v) -> c.set("frequency_penalty", "body.frequency_penalty",
                c.number("frequency_penalty", v, -2, 2)));
        TABLE.put("logit_bias", OpenAiRequestMapper::logitBias);
        TABLE.put("logprobs", (c, v) -> c.set("logprobs", "body.logprobs", c.bool("logprobs", v)));
        TABLE.put("top_logprobs", (c, v) -> c.set("top_logprobs", "body.top_logprobs", c.integer("top_logprobs", v, 0, 20)));
        TABLE.put("response_format", OpenAiRequestMapper::responseFormat);
        TABLE.put("reasoning_effort", OpenAiRequestMapper::reasoningEffort);
        for (String f : List.of("stream", "stream_options")) {
            TABLE.put(f, (c, v) -> c.ignore(f, "batch answers are written whole, never streamed"));
        }
        for (String f : List.of("user", "safety_identifier", "prompt_cache_key", "metadata", "store", "service_tier")) {
            TABLE.put(f, (c, v) -> c.ignore(f, "it does not change the answer here and is not stored"));
        }
        for (String f : List.of("tools", "tool_choice", "parallel_tool_calls", "functions", "function_call")) {
            TABLE.put(f, (c, v) -> c.ignore(f, "tool calling is not supported; the model answers in text"));
        }
        for (String f : List.of("modalities", "audio", "prediction", "web_search_options", "verbosity")) {
            TABLE.put(f, (c, v) -> c.ignore(f, "not supported by the workers"));
        }
    }

    /** The body fields this mapper knows (honoured, mapped or deliberately ignored). */
    static Set<String> knownFields() {
        return TABLE.keySet();
    }

    /**
     * @param maxTokensLimit the workers' advertised limit, if any: larger requests are refused here, and it is
     *     the default for a line that names none
     */
    static Mapped map(String customId, JsonNode body, OptionalInt maxTokensLimit) throws LineException {
        Context c = new Context(customId, body);
        var fields = body.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (field.getValue().isNull()) continue; // OpenAI reads null as "not given"
            Rule rule = TABLE.get(field.getKey());
            if (rule != null) {
                rule.apply(c, field.getValue());
            } else {
                c.warn(UNKNOWN_FIELD, field.getKey(), "unknown field, ignored");
            }
        }
        if (!c.out.has("messages")) throw c.invalid("body.messages must be a non-empty array");
        if (c.out.has("top_logprobs") && !c.out.path("logprobs").asBoolean(false)) {
            throw c.invalid("body.top_logprobs needs body.logprobs: true"); // as OpenAI answers it
        }
        defaults(c, maxTokensLimit);
        return new Mapped(c.out, List.copyOf(c.warnings), Map.copyOf(c.origins));
    }

    /** OpenAI's defaults where the line is silent, in place of the workers' own (0.8, top-k 40, 512 tokens). */
    private static void defaults(Context c, OptionalInt maxTokensLimit) throws LineException {
        if (!c.out.has("temperature")) c.out.put("temperature", 1);
        if (!c.out.has("top_p") && !c.out.has("top_k")) c.out.put("top_p", 1);
        if (!c.out.has("top_k")) c.out.put("top_k", 0);
        if (maxTokensLimit.isPresent()) {
            JsonNode asked = c.out.get("max_tokens");
            if (asked == null) {
                c.out.put("max_tokens", maxTokensLimit.getAsInt());
            } else if (asked.asLong() > maxTokensLimit.getAsInt()) {
                throw c.invalid(c.origins.get("max_tokens") + " " + asked + " exceeds the workers' limit of "
                        + maxTokensLimit.getAsInt() + " tokens");
            }
        }
    }

    private static void maxTokens(Context c, JsonNode v) throws LineException {
        JsonNode n = c.integer("max_tokens", v, 1, Long.MAX_VALUE);
        JsonNode completion = c.body.get("max_completion_tokens");
        if (completion != null && !completion.isNull()) {
            if (!completion.equals(v)) {
                c.warn(IGNORED_FIELD, "max_tokens", "body.max_completion_tokens " + completion + " applies instead");
            }
            return;
        }
        c.set("max_tokens", "body.max_tokens", n);
    }

    /** top_p 0 keeps only the most likely token: top-k 1, since the schema's top_p must be above 0. */
    private static void topP(Context c, JsonNode v) throws LineException {
        JsonNode p = c.number("top_p", v, 0, 1);
        if (p.asDouble() == 0) {
            c.set("top_k", "body.top_p", Json.MAPPER.getNodeFactory().numberNode(1));
            c.warn(MAPPED_VALUE, "top_p", "top_p 0 is served as top_k 1 (only the most likely token)");
        } else {
            c.set("top_p", "body.top_p", p);
        }
    }

    /** Any integer, as OpenAI accepts: reduced modulo 2^32 into the workers' 0..4294967295. */
    private static void seed(Context c, JsonNode v) throws LineException {
        if (!v.isIntegralNumber()) throw c.invalid("body.seed must be an integer, got " + v);
        BigInteger seed = v.bigIntegerValue();
        BigInteger mapped = seed.mod(TWO_TO_32);
        if (!mapped.equals(seed)) {
            c.warn(MAPPED_VALUE, "seed", "seed " + seed + " is used as " + mapped + " (modulo 2^32)");
        }
        c.set("seed", "body.seed", Json.MAPPER.getNodeFactory().numberNode(mapped.longValue()));
    }

    private static void stop(Context c, JsonNode v) throws LineException {
        ArrayNode stops = Json.MAPPER.createArrayNode();
        if (v.isTextual()) {
            stops.add(v.asText());
        } else if (v.isArray() && v.size() <= 4) {
            for (JsonNode s : v) {
                if (!s.isTextual()) throw c.invalid("body.stop must be a string or up to 4 strings, got " + v);
                stops.add(s);
            }
        } else {
            throw c.invalid("body.stop must be a string or up to 4 strings, got " + v);
        }
        if (!stops.isEmpty()) c.set("stop", "body.stop", stops);
    }

    private static void logitBias(Context c, JsonNode v) throws LineException {
        if (!v.isObject()) throw c.invalid("body.logit_bias must be an object of token id to bias, got " + v);
        var entries = v.fields();
        while (entries.hasNext()) {
            var e = entries.next();
            if (!e.getKey().matches("[0-9]{1,9}")) {
                throw c.invalid("body.logit_bias: key '" + e.getKey() + "' is not a token id");
            }
            c.number("logit_bias." + e.getKey(), e.getValue(), -100, 100);
        }
        c.set("logit_bias", "body.logit_bias", v);
    }

    private static void responseFormat(Context c, JsonNode v) throws LineException {
        String type = v.path("type").asText("");
        switch (type) {
            case "text", "json_object" -> c.set("response_format", "body.response_format",
                    Json.MAPPER.createObjectNode().put("type", type));
            case "json_schema" -> {
                c.set("response_format", "body.response_format", Json.MAPPER.createObjectNode().put("type", "json_object"));
                c.warn(MAPPED_VALUE, "response_format", "json_schema is served as json_object: the answer is JSON, "
                        + "but the schema itself is not enforced");
            }
            default -> throw c.invalid("body.response_format.type must be text, json_object or json_schema, got "
                    + v.path("type"));
        }
    }

    /** Qwen3's thinking mode: on for low, medium and high effort, off for none and minimal. */
    private static void reasoningEffort(Context c, JsonNode v) throws LineException {
        String effort = v.asText("");
        switch (effort) {
            case "none", "minimal" -> c.set("thinking", "body.reasoning_effort", Json.MAPPER.getNodeFactory().booleanNode(false));
            case "low", "medium", "high" -> {
                c.set("thinking", "body.reasoning_effort", Json.MAPPER.getNodeFactory().booleanNode(true));
                if (!effort.equals("medium")) {
                    c.warn(MAPPED_VALUE, "reasoning_effort", "reasoning_effort " + effort + " is served as thinking on");
                }
            }
            default -> throw c.invalid("body.reasoning_effort must be none, minimal, low, medium or high, got " + v);
        }
    }

    /** The request being built, its warnings and where each field came from. */
    private static final class Context {
        final String customId;
        final JsonNode body;
        final ObjectNode out = Json.MAPPER.createObjectNode();
        final List<LineWarning> warnings = new ArrayList<>();
        final Map<String, String> origins = new HashMap<>();

        Context(String customId, JsonNode body) {
            this.customId = customId;
            this.body = body;
        }

        void set(String field, String origin, JsonNode value) {
            out.set(field, value);
            origins.put(field, origin);
        }

        void ignore(String field, String why) {
            warn(IGNORED_FIELD, field, "ignored: " + why);
        }

        void warn(String code, String field, String message) {
            warnings.add(new LineWarning(code, "body." + field, "body." + field + ": " + message));
        }

        JsonNode number(String field, JsonNode v, double min, double max) throws LineException {
            if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
                throw invalid("body." + field + " must be a number from " + fmt(min) + " to " + fmt(max) + ", got " + v);
            }
            return v;
        }

        JsonNode integer(String field, JsonNode v, long min, long max) throws LineException {
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
                throw invalid("body." + field + " must be an integer" + (max == Long.MAX_VALUE ? " ≥ " + min
                        : " from " + min + " to " + max) + ", got " + v);
            }
            return v;
        }

        JsonNode bool(String field, JsonNode v) throws LineException {
            if (!v.isBoolean()) throw invalid("body." + field + " must be true or false, got " + v);
            return v;
        }

        LineException invalid(String message) {
            return new LineException(customId, BulkLineParser.INVALID_REQUEST, message);
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }
}
