package io.xaichat.schema;

/** Error codes carried in {@link ErrorInfo#code()} and in the dead-letter header {@code xaichat_error_code}. */
public final class ErrorCode {
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String SCHEMA_VIOLATION = "schema_violation";
    public static final String UNKNOWN_KIND = "unknown_kind";
    public static final String WRONG_TOPIC = "wrong_topic";
    public static final String RECORD_TOO_LARGE = "record_too_large";
    public static final String PROMPT_TOO_LONG = "prompt_too_long";
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String MODEL_MISMATCH = "model_mismatch";
    public static final String INPUT_REJECTED = "input_rejected";
    public static final String ENGINE_FAILURE = "engine_failure";
    public static final String DEADLINE_EXPIRED = "deadline_expired";
    public static final String TIMEOUT = "timeout";
    /** The answer could not be delivered to reply_to (bad or missing topic, result too large for the broker). */
    public static final String REPLY_FAILED = "reply_failed";
    /** The kafka_replyTopic header and the body's reply_to name different topics. */
    public static final String REPLY_CONFLICT = "reply_conflict";
    /**
     * The job's reply_to (or kafka_replyTopic header) is not a topic this worker may answer to: a job topic, the
     * dead-letter topic, an internal {@code __*} topic, a name outside the reply allow-list, or a missing topic.
     * Such a job gets a dead-letter record and no reply anywhere.
     */
    public static final String REPLY_REFUSED = "reply_refused";
    /** A header is too large (kafka_correlationId over 256 bytes), or the headers push the record over the limit. */
    public static final String HEADER_TOO_LARGE = "header_too_large";
    /** The job's stream chunks and result would exceed the bytes one job may publish. */
    public static final String OUTPUT_TOO_LARGE = "output_too_large";

    private ErrorCode() {}
}
