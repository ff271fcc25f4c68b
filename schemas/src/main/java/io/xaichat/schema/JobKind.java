package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The three kinds of job; each has its own topic {@code <prefix>.jobs.<kind>}. */
public enum JobKind {
    CHAT, VISION, IMAGE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobKind fromWire(String value) {
        for (JobKind k : values()) {
            if (k.wireName().equals(value)) return k;
        }
        throw new IllegalArgumentException("unknown job kind '" + value + "' (expected chat, vision or image)");
    }
}
