package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A chat request's {@code response_format}: {@code text} (default) or {@code json_object} (output is one JSON value). */
public record ResponseFormat(String type) {
    public static final String TEXT = "text";
    public static final String JSON_OBJECT = "json_object";

    public static ResponseFormat json() {
        return new ResponseFormat(JSON_OBJECT);
    }

    @JsonIgnore // not a wire field
    public boolean isJson() {
        return JSON_OBJECT.equals(type);
    }
}
