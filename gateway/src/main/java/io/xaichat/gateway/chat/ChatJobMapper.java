package io.xaichat.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.BulkLineParser;
import io.xaichat.bulk.ParsedLine;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.jobs.RequestCheck;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Maps an OpenAI {@code /v1/chat/completions} body to a job. Text-only requests go through the bulk runner's
 * OpenAI line parser, so a request means the same over HTTP and in a batch file; a request with an
 * {@code image_url} part (a data URL: the gateway fetches nothing) becomes a vision job.
 */
final class ChatJobMapper {
    private final BulkLineParser parser;
    private final SchemaValidator validator;
    private final ModelCatalog models;

    ChatJobMapper(SchemaValidator validator, ModelCatalog models) {
        this.parser = new BulkLineParser(validator);
        this.validator = validator;
        this.models = models;
    }

    ChatJob map(JsonNode body) {
        UnsupportedFields.check(body);
        boolean stream = body.path("stream").asBoolean(false);
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt() != 1) {
            throw ApiError.invalid("n", "unsupported_value", "n=" + n + " is not supported (one choice per request)");
        }
        String requested = body.path("model").isTextual() ? body.get("model").asText() : null;
        if (hasImage(body.get("messages"))) {
            UnsupportedFields.checkVision(body);
            String model = models.resolve(requested, JobKind.VISION);
            return new ChatJob(JobKind.VISION, vision(body, stream), model, served(model, JobKind.VISION), stream, includeUsage);
        }
        String model = models.resolve(requested, JobKind.CHAT);
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("custom_id", "http").put("method", "POST").put("url", BulkLineParser.CHAT_COMPLETIONS_URL);
        ObjectNode copy = body.deepCopy();
        copy.remove(List.of("stream", "stream_options", "model"));
        line.set("body", copy);
        ParsedLine parsed = parser.parse(1, Json.toString(line));
        if (parsed instanceof ParsedLine.Invalid bad) throw ApiError.invalid(null, "invalid_request", bad.message());
        ObjectNode request = ((ParsedLine.Request) parsed).request().deepCopy();
        if (stream) request.put("stream", true);
        return new ChatJob(JobKind.CHAT, request, model, served(model, JobKind.CHAT), stream, includeUsage);
    }

    private String served(String model, JobKind kind) {
        return model != null ? model : models.served().get(kind);
    }

    private static boolean hasImage(JsonNode messages) {
        if (messages == null || !messages.isArray()) return false;
        for (JsonNode m : messages) {
            for (JsonNode part : m.path("content")) if ("image_url".equals(part.path("type").asText())) return true;
        }
        return false;
    }

    /** System (and developer) messages become the system prompt; the one user message gives question and image. */
    private ObjectNode vision(JsonNode body, boolean stream) {
        List<String> system = new ArrayList<>();
        List<String> question = new ArrayList<>();
        String image = null;
        int users = 0;
        int i = 0;
        for (JsonNode m : body.get("messages")) {
            String role = m.path("role").asText();
            String where = "messages[" + i++ + "]";
            switch (role) {
                case "system", "developer" -> system.add(text(m.get("content"), where));
                case "user" -> {
                    if (++users > 1) {
                        throw ApiError.invalid("messages", "unsupported_value", "a request with an image takes one user "
                                + "message (with the image) and optional system messages; earlier turns are not supported");
                    }
                    JsonNode content = m.get("content");
                    if (content.isTextual()) {
                        question.add(content.asText());
                        continue;
                    }
                    int p = 0;
                    for (JsonNode part : content) {
                        String type = part.path("type").asText();
                        String partWhere = where + ".content[" + p++ + "]";
                        if (type.equals("text")) {
                            question.add(part.path("text").asText());
                        } else if (type.equals("image_url")) {
                            if (image != null) {
                                throw ApiError.invalid(partWhere, "unsupported_value", "only one image per request is supported");
                            }
                            image = dataUrlPayload(part.get("image_url"), partWhere);
                        } else {
                            throw ApiError.invalid(partWhere, "unsupported_value", "content part type '" + type
                                    + "' is not supported (text or image_url)");
                        }
                    }
                }
                default -> throw ApiError.invalid(where + ".role", "unsupported_value", "role '" + role
                        + "' is not supported in a request with an image (system, developer or user)");
            }
        }
        String q = String.join("\n", question).trim();
        if (q.isEmpty()) throw ApiError.invalid("messages", "invalid_value", "the user message needs a text part (the question)");
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.putObject("image").put("base64", image);
        request.put("question", q);
        if (!system.isEmpty()) request.put("system", String.join("\n", system));
        JsonNode maxTokens = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) request.set("max_tokens", maxTokens);
        for (String f : new String[] {"temperature", "top_p", "seed"}) {
            if (body.hasNonNull(f)) request.set(f, body.get(f));
        }
        JsonNode stop = body.get("stop");
        if (stop != null && stop.isTextual()) request.putArray("stop").add(stop.asText());
        else if (stop != null && !stop.isNull()) request.set("stop", stop);
        if (stream) request.put("stream", true);
        RequestCheck.check(validator, JobKind.VISION, request);
        return request;
    }

    private static String text(JsonNode content, String where) {
        if (content != null && content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText())) {
                    throw ApiError.invalid(where, "unsupported_value", "system messages take text parts only");
                }
                sb.append(part.path("text").asText());
            }
            return sb.toString();
        }
        throw ApiError.invalid(where + ".content", "invalid_type", "content must be a string or an array of parts");
    }

    /** The base64 payload of {@code data:image/...;base64,...}. */
    private static String dataUrlPayload(JsonNode imageUrl, String where) {
        String url = imageUrl == null ? null : imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText(null);
        if (url == null || !url.startsWith("data:")) {
            throw ApiError.invalid(where + ".image_url", "unsupported_value", "only data: URLs are supported "
                    + "(data:image/png;base64,...); the server fetches no remote images");
        }
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !meta.startsWith("image/") || !meta.endsWith(";base64")) {
            throw ApiError.invalid(where + ".image_url", "invalid_value", "expected data:image/<type>;base64,<data>");
        }
        String payload = url.substring(comma + 1);
        try {
            Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(where + ".image_url", "invalid_value", "the data URL is not valid base64: " + e.getMessage());
        }
        return payload;
    }
}
