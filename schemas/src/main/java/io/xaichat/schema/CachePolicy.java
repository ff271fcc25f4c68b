package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a job uses the result cache: auto caches deterministic requests only. */
public enum CachePolicy {
    AUTO, BYPASS, REFRESH;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static CachePolicy fromWire(String value) {
        for (CachePolicy p : values()) {
            if (p.wireName().equals(value)) return p;
        }
        throw new IllegalArgumentException("unknown cache policy '" + value + "' (expected auto, bypass or refresh)");
    }
}
