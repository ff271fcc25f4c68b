package io.xaichat.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.gateway.http.ApiError;

/**
 * OpenAI chat fields the engines cannot honour yet: a request that uses one is refused with a 400 naming it, never
 * answered as if the field were absent. Fields without effect on the answer (user, metadata, store,
 * service_tier...) are accepted and ignored.
 *
 * <p>TODO(issue 11): once the chat engine has penalties, logprobs, JSON mode and thinking, map
 * presence_penalty/frequency_penalty, logprobs/top_logprobs, logit_bias, response_format and reasoning_effort in
 * {@link ChatJobMapper} and drop them here.
 */
final class UnsupportedFields {
    private UnsupportedFields() {}

    static void check(JsonNode body) {
        for (String f : new String[] {"tools", "functions", "audio", "prediction", "web_search_options"}) {
            if (body.hasNonNull(f) && !(body.get(f).isArray() && body.get(f).isEmpty())) refuse(f);
        }
        for (String f : new String[] {"tool_choice", "function_call"}) {
            if (body.hasNonNull(f) && !"none".equals(body.get(f).asText())) refuse(f);
        }
        for (String f : new String[] {"presence_penalty", "frequency_penalty"}) {
            if (body.hasNonNull(f) && body.get(f).asDouble() != 0) refuse(f);
        }
        if (body.path("logprobs").asBoolean(false)) refuse("logprobs");
        if (body.hasNonNull("top_logprobs") && body.get("top_logprobs").asInt() != 0) refuse("top_logprobs");
        if (body.hasNonNull("logit_bias") && !body.get("logit_bias").isEmpty()) refuse("logit_bias");
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull() && !"text".equals(format.path("type").asText())) refuse("response_format");
        JsonNode modalities = body.get("modalities");
        if (modalities != null && modalities.isArray()) {
            for (JsonNode m : modalities) if (!"text".equals(m.asText())) refuse("modalities");
        }
    }

    private static void refuse(String field) {
        throw ApiError.invalid(field, "unsupported_parameter", "'" + field + "' is not supported by this server yet.");
    }
}
