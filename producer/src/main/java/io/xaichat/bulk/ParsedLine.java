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
     */
    record Request(int line, String customId, JobKind kind, JsonNode request, String model, CachePolicy cache,
                   boolean openAi) implements ParsedLine {}

    /** @param code one of the {@code INVALID_*}/{@code MISSING_*}/... codes in {@link BulkLineParser} */
    record Invalid(int line, String customId, String code, String message) implements ParsedLine {}
}
