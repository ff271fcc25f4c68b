package io.xaichat.schema;

/**
 * Kafka header names. The correlation and reply headers follow Spring Kafka's request/reply convention so
 * ReplyingKafkaTemplate clients interoperate; the job_id is also the record key.
 */
public final class RecordHeaders {
    public static final String CORRELATION_ID = "kafka_correlationId";
    public static final String REPLY_TOPIC = "kafka_replyTopic";
    /** Spring's reply partition: a 4-byte big-endian int (the partition-assigned reply container pattern). */
    public static final String REPLY_PARTITION = "kafka_replyPartition";
    /**
     * On every reply record, chunks and result alike: the correlation id. Chunks carry only this one (never
     * {@code kafka_correlationId}), so a request/reply client completes on the result alone.
     */
    public static final String XAICHAT_CORRELATION_ID = "xaichat_correlation_id";
    /**
     * On a job record: the topic that receives its stream chunks. Without it, chunks go to the body's
     * {@code reply_to}, unless the reply topic came from {@code kafka_replyTopic} (a request/reply client): then
     * none are published.
     */
    public static final String STREAM_TOPIC = "xaichat_stream_topic";
    /** On reply records: {@code chunk} or {@code result}. */
    public static final String MESSAGE_TYPE = "xaichat_message";
    public static final String TYPE_CHUNK = "chunk";
    public static final String TYPE_RESULT = "result";
    /** On dead-letter records. */
    public static final String ERROR_CODE = "xaichat_error_code";
    public static final String ERROR_MESSAGE = "xaichat_error_message";
    public static final String ORIGINAL_TOPIC = "xaichat_original_topic";
    public static final String ORIGINAL_PARTITION = "xaichat_original_partition";
    public static final String ORIGINAL_OFFSET = "xaichat_original_offset";
    public static final String WORKER_ID = "xaichat_worker_id";

    private RecordHeaders() {}
}
