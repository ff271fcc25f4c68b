package io.xaichat.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.xaichat.schema.JobKind;
import java.util.List;

/**
 * One model in the manifest: a kind, an id, a quantization variant and the files it needs.
 *
 * @param isDefault whether {@code xaichat models pull <kind>} fetches this variant when none is named
 */
public record ModelSpec(
        JobKind kind,
        String id,
        String variant,
        @JsonProperty("default") boolean isDefault,
        String description,
        List<ModelFile> files) {

    /** The name people use on the command line and in listings, e.g. {@code qwen2.5-1.5b-instruct:q4_k_m}. */
    public String displayName() {
        return id + ":" + variant;
    }
}
