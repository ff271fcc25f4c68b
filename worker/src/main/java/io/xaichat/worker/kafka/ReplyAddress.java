package io.xaichat.worker.kafka;

/**
 * Where a job's answer goes.
 *
 * @param topic the reply topic (the {@code kafka_replyTopic} header, else the body's {@code reply_to}); null when
 *     none could be read
 * @param partition the reply partition from the {@code kafka_replyPartition} header; null lets the key choose
 * @param jobId the job id (record key of every reply)
 * @param correlationId echoed on the result in {@code kafka_correlationId} and on every record in
 *     {@code xaichat_correlation_id}: the request's {@code kafka_correlationId} bytes if it had one, else the job id
 * @param streamTopic where stream chunks go; null publishes none. Chunks never carry {@code kafka_correlationId}, so
 *     a request/reply client (Spring's {@code ReplyingKafkaTemplate}) sees exactly one reply: the result.
 */
public record ReplyAddress(String topic, Integer partition, String jobId, byte[] correlationId, String streamTopic) {

    /** A job answered on {@code topic}, partitioned by key, its chunks on the same topic. */
    public ReplyAddress(String topic, String jobId, byte[] correlationId) {
        this(topic, null, jobId, correlationId, topic);
    }

    /** The partition for chunks: the reply partition when they share the reply topic, else by key. */
    Integer streamPartition() {
        return streamTopic != null && streamTopic.equals(topic) ? partition : null;
    }
}
