package io.xaichat.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobKind;

/** One non-blank input line: a request to run, or a line that cannot be run and why. */
public sealed interface ParsedLine {
    int line();

    /** Null when the line has none (or is not JSON). */
    String customId();

    /**
     * A request ready to submit.
     *
     * @param request the kind's request tree, valid against its schema
     * @param model the model the line asks for; null means the worker's model
     * @param openAi whether the line came in the OpenAI batch format
     * @param warnings body fields ignored or served differently than asked (reported, never dropped silently)
     */
    record Request(int line, String customId, JobKind kind, JsonNode request, String model, CachePolicy cache,
                   boolean openAi, java.util.List<LineWarning> warnings) implements ParsedLine {

        public Request {
            warnings = warnings == null ? java.util.List.of() : java.util.List.copyOf(warnings);
        }

        public Request(int line, String customId, JobKind kind, JsonNode request, String model, CachePolicy cache,
                       boolean openAi) {
            this(line, customId, kind, request, model, cache, openAi, java.util.List.of());
        }
    }

    /** @param code one of the {@code INVALID_*}/{@code MISSING_*}/... codes in {@link BulkLineParser} */
    record Invalid(int line, String customId, String code, String message) implements ParsedLine {}
}
