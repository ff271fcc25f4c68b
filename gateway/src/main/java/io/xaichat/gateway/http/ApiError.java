package io.xaichat.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.Json;

/**
 * An error answered in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}} with an HTTP status.
 * Thrown by handlers; the router turns it into the response.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 invalid_request_error. */
    public static ApiError invalid(String param, String code, String message) {
        return new ApiError(400, "invalid_request_error", param, code, message);
    }

    public static ApiError notFound(String what, String id) {
        return new ApiError(404, "invalid_request_error", null, "not_found", "No " + what + " found with id '" + id + "'.");
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", null, "invalid_api_key",
                "Incorrect or missing API key: send Authorization: Bearer <key>.");
    }

    public static ApiError tooLarge(long limit, String option) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large",
                "The request body exceeds this gateway's limit of " + limit + " bytes (" + option + ").");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public ObjectNode body() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        if (param == null) error.putNull("param"); else error.put("param", param);
        if (code == null) error.putNull("code"); else error.put("code", code);
        return root;
    }
}
