package io.xaichat.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.xaichat.schema.Json;
import java.util.Map;

/** OpenAI chat messages as xaichat messages: roles mapped (developer → system), text parts joined. */
final class BulkMessages {
    private static final Map<String, String> ROLES = Map.of(
            "system", "system", "developer", "system", "user", "user", "assistant", "assistant");

    private BulkMessages() {}

    static ArrayNode fromOpenAi(String customId, JsonNode messages) throws LineException {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new LineException(customId, BulkLineParser.INVALID_REQUEST, "body.messages must be a non-empty array");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        int i = 0;
        for (JsonNode m : messages) {
            String role = ROLES.get(text(m, "role"));
            if (role == null) {
                throw new LineException(customId, BulkLineParser.INVALID_REQUEST, "body.messages[" + i + "].role '" + text(m, "role")
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
                    throw new LineException(customId, BulkLineParser.INVALID_REQUEST, "body.messages[" + index + "] has a '"
                            + text(part, "type") + "' content part; only text parts are supported "
                            + "(send images as xaichat vision lines)");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw new LineException(customId, BulkLineParser.INVALID_REQUEST, "body.messages[" + index
                + "].content must be a string or an array of text parts");
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
