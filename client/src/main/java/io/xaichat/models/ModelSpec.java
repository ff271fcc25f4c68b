package io.xaichat.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.xaichat.schema.JobKind;
import java.util.List;

/**
 * One model in the manifest: a kind, an id, a quantization variant and the files it needs.
 *
 * @param isDefault whether {@code xaichat models pull <kind>} fetches this variant when none is named
 * @param aliases other names requests may use for this model (e.g. Ollama's or Hugging Face's); {@code xaichat
 *     bulk} maps an OpenAI line's {@code body.model} through them to {@link #workerModelId()}
 */
public record ModelSpec(
        JobKind kind,
        String id,
        String variant,
        @JsonProperty("default") boolean isDefault,
        String description,
        List<ModelFile> files,
        List<String> aliases) {

    public ModelSpec {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    /** The id a worker serving this model reports: its first file's name without the extension, lower-cased. */
    public String workerModelId() {
        String path = files == null || files.isEmpty() ? id : files.get(0).path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a request naming {@code model} means this one: its id, display name, worker id or an alias. */
    public boolean answersTo(String model) {
        return model.equalsIgnoreCase(id) || model.equalsIgnoreCase(displayName()) || model.equalsIgnoreCase(workerModelId())
                || aliases.stream().anyMatch(model::equalsIgnoreCase);
    }

    /** The name people use on the command line and in listings, e.g. {@code qwen2.5-1.5b-instruct:q4_k_m}. */
    public String displayName() {
        return id + ":" + variant;
    }
}
