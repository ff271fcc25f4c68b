package io.xaichat.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.gateway.http.ApiError;

/**
 * OpenAI chat fields the engines cannot honour: a request that uses one is refused with a 400 naming it, never
 * answered as if the field were absent. Fields without effect on the answer (user, metadata, store,
 * service_tier...) are accepted and ignored. Chat requests map penalties, logit_bias, logprobs, response_format and
 * reasoning_effort through the bulk runner's OpenAI mapper; the vision engine has none of them.
 */
final class UnsupportedFields {
    private static final String[] CHAT_ONLY = {"presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
            "top_logprobs", "response_format", "reasoning_effort"};

    private UnsupportedFields() {}

    /** What neither engine serves: tools, audio and other modalities. */
    static void check(JsonNode body) {
        for (String f : new String[] {"tools", "functions", "audio", "prediction", "web_search_options"}) {
            if (body.hasNonNull(f) && !(body.get(f).isArray() && body.get(f).isEmpty())) refuse(f, "by this server");
        }
        for (String f : new String[] {"tool_choice", "function_call"}) {
            if (body.hasNonNull(f) && !"none".equals(body.get(f).asText())) refuse(f, "by this server");
        }
        JsonNode modalities = body.get("modalities");
        if (modalities != null && modalities.isArray()) {
            for (JsonNode m : modalities) if (!"text".equals(m.asText())) refuse("modalities", "by this server");
        }
    }

    /** A request with an image goes to the vision engine, which samples with temperature, top_p and seed only. */
    static void checkVision(JsonNode body) {
        for (String f : CHAT_ONLY) {
            JsonNode v = body.get(f);
            boolean neutral = v == null || v.isNull() || (v.isNumber() && v.asDouble() == 0)
                    || (v.isBoolean() && !v.asBoolean()) || (v.isObject() && v.isEmpty())
                    || (f.equals("response_format") && "text".equals(v.path("type").asText()));
            if (!neutral) refuse(f, "for requests with an image");
        }
    }

    private static void refuse(String field, String where) {
        throw ApiError.invalid(field, "unsupported_parameter", "'" + field + "' is not supported " + where + ".");
    }
}
