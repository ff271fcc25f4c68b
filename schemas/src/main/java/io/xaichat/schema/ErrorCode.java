package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Every error code XAIChat Batch puts on the wire: in {@link ErrorInfo#code()} of a result, in the dead-letter header
 * {@code xaichat_error_code}, and in the error documents of the CLI, the bulk runner and the gateway. The wire value
 * is the lower-case name ({@code model_mismatch}). The README's list of codes is checked against this enum.
 */
public enum ErrorCode {
    // Set by a worker: in an error result and on the job's dead-letter record.
    MALFORMED_JSON(Origin.WORKER),
    SCHEMA_VIOLATION(Origin.WORKER),
    UNKNOWN_KIND(Origin.WORKER),
    WRONG_TOPIC(Origin.WORKER),
    RECORD_TOO_LARGE(Origin.WORKER),
    PROMPT_TOO_LONG(Origin.WORKER),
    INVALID_REQUEST(Origin.WORKER),
    MODEL_MISMATCH(Origin.WORKER),
    INPUT_REJECTED(Origin.WORKER),
    ENGINE_FAILURE(Origin.WORKER),
    DEADLINE_EXPIRED(Origin.WORKER),
    /** The answer could not be delivered to reply_to (bad or missing topic, result too large for the broker). */
    REPLY_FAILED(Origin.WORKER),
    /** The kafka_replyTopic header and the body's reply_to name different topics. */
    REPLY_CONFLICT(Origin.WORKER),
    /**
     * The job's reply_to (or kafka_replyTopic header) is not a topic this worker may answer to: a job topic, the
     * dead-letter topic, an internal {@code __*} topic, a name outside the reply allow-list, or a missing topic.
     * Such a job gets a dead-letter record and no reply anywhere.
     */
    REPLY_REFUSED(Origin.WORKER),
    /** A header is too large (kafka_correlationId over 256 bytes), or the headers push the record over the limit. */
    HEADER_TOO_LARGE(Origin.WORKER),
    /** The job's stream chunks and result would exceed the bytes one job may publish. */
    OUTPUT_TOO_LARGE(Origin.WORKER),

    // Set by a client (CLI, bulk runner, gateway) when no result came: never in a result a worker publishes.
    /** No result within the client's timeout. */
    TIMEOUT(Origin.CLIENT),
    /** The job could not be sent (the broker refused it, or the client failed before sending). */
    SUBMIT_FAILED(Origin.CLIENT),
    /** The CLI could not reach any broker. */
    BROKER_UNREACHABLE(Origin.CLIENT),
    /** The CLI's command line is wrong. */
    USAGE(Origin.CLIENT),

    // Set by the bulk runner (and the gateway's batches) for an input line that never became a job.
    /** The line is not a JSON object. */
    INVALID_JSON(Origin.CLIENT),
    MISSING_CUSTOM_ID(Origin.CLIENT),
    DUPLICATE_CUSTOM_ID(Origin.CLIENT),
    /** An OpenAI Batch line names a url other than /v1/chat/completions. */
    UNSUPPORTED_URL(Origin.CLIENT),
    /** body.model maps to a model no advertising worker serves. */
    MODEL_NOT_SERVED(Origin.CLIENT),

    /** A code this version does not know (a newer worker's): kept readable instead of failing the whole result. */
    UNKNOWN(Origin.CLIENT);

    /** Who sets a code: a worker (results, dead letters) or a client that got no result. */
    public enum Origin { WORKER, CLIENT }

    private final Origin origin;
    private final String wire;

    ErrorCode(Origin origin) {
        this.origin = origin;
        this.wire = name().toLowerCase(Locale.ROOT);
    }

    public Origin origin() {
        return origin;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The code for a wire value; {@link #UNKNOWN} for one this version does not know, null for null. */
    @JsonCreator
    public static ErrorCode fromWire(String value) {
        if (value == null) return null;
        for (ErrorCode c : values()) {
            if (c.wire.equals(value)) return c;
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return wire;
    }
}
