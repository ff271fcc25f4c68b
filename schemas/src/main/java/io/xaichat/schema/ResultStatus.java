package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum ResultStatus {
    OK, ERROR, EXPIRED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ResultStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
