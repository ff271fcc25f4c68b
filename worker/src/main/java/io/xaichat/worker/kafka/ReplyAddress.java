package io.xaichat.worker.kafka;

/**
 * Where a job's answer goes.
 *
 * @param topic the reply topic (the {@code kafka_replyTopic} header, else the body's {@code reply_to}); null when
 *     none could be read or it was refused
 * @param partition the reply partition from the {@code kafka_replyPartition} header; null lets the key choose
 * @param jobId the job id (record key of every reply)
 * @param correlationId echoed on the result in {@code kafka_correlationId} and on every record in
 *     {@code xaichat_correlation_id}: the request's short {@code kafka_correlationId} bytes if it had one, else the
 *     job id
 * @param streamTopic where stream chunks go; null publishes none. Chunks never carry {@code kafka_correlationId}, so
 *     a request/reply client (Spring's {@code ReplyingKafkaTemplate}) sees exactly one reply: the result.
 * @param budget the bytes all of the job's replies may publish together
 */
public record ReplyAddress(String topic, Integer partition, String jobId, byte[] correlationId, String streamTopic,
                           ReplyBudget budget) {

    public ReplyAddress {
        if (budget == null) budget = ReplyBudget.unlimited();
    }

    /** A job answered on {@code topic}, partitioned by key, its chunks on the same topic. */
    public ReplyAddress(String topic, String jobId, byte[] correlationId) {
        this(topic, null, jobId, correlationId, topic, ReplyBudget.unlimited());
    }

    public ReplyAddress(String topic, Integer partition, String jobId, byte[] correlationId, String streamTopic) {
        this(topic, partition, jobId, correlationId, streamTopic, ReplyBudget.unlimited());
    }

    /** The same job with nowhere to reply or stream to (its reply topic was refused). */
    public ReplyAddress withoutTopic() {
        return new ReplyAddress(null, null, jobId, correlationId, null, budget);
    }

    /** The same job without stream chunks (its stream topic was refused; the result still goes out). */
    public ReplyAddress withoutStream() {
        return new ReplyAddress(topic, partition, jobId, correlationId, null, budget);
    }

    public ReplyAddress withBudget(long maxBytes) {
        return new ReplyAddress(topic, partition, jobId, correlationId, streamTopic, new ReplyBudget(maxBytes));
    }

    /** The partition for chunks: the reply partition when they share the reply topic, else by key. */
    Integer streamPartition() {
        return streamTopic != null && streamTopic.equals(topic) ? partition : null;
    }
}
