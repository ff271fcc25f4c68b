package io.xaichat.worker.kafka;

/**
 * Where a job's answer goes: the reply topic, the job id (record key) and the correlation id echoed in the
 * {@code kafka_correlationId} header (the request's header bytes if it had one, else the job id).
 */
public record ReplyAddress(String topic, String jobId, byte[] correlationId) {}
