package io.xaichat.worker.kafka;

/**
 * Where a job's answer goes: the reply topic, the job id (record key), the correlation id echoed in the
 * {@code kafka_correlationId} header (the request's header bytes if it had a short one, else the job id), and the
 * byte budget all of the job's replies share.
 */
public record ReplyAddress(String topic, String jobId, byte[] correlationId, ReplyBudget budget) {

    public ReplyAddress(String topic, String jobId, byte[] correlationId) {
        this(topic, jobId, correlationId, ReplyBudget.unlimited());
    }

    public ReplyAddress {
        if (budget == null) budget = ReplyBudget.unlimited();
    }

    /** The same job with nowhere to reply to (its reply topic was refused). */
    public ReplyAddress withoutTopic() {
        return new ReplyAddress(null, jobId, correlationId, budget);
    }

    public ReplyAddress withBudget(long maxBytes) {
        return new ReplyAddress(topic, jobId, correlationId, new ReplyBudget(maxBytes));
    }
}
