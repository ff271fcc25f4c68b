package io.xaichat.worker.kafka;

import io.xaichat.schema.JobEnvelope;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * How long a job waited, measured from the broker's timestamp of its record (the append time on topics the worker
 * creates, which the sender cannot set), not from the job's own {@code created_at}. Clamped to
 * [0, {@link #MAX_QUEUE}], so neither clock skew nor a forged timestamp yields a negative or absurd figure.
 */
public record QueueTime(Instant enqueued, Instant received) {
    /** Longer than any job topic's retention is meant to be. */
    public static final Duration MAX_QUEUE = Duration.ofDays(7);

    public static QueueTime of(ConsumerRecord<?, ?> record, JobEnvelope job, Instant received) {
        Instant enqueued;
        if (record.timestampType() != TimestampType.NO_TIMESTAMP_TYPE && record.timestamp() >= 0) {
            enqueued = Instant.ofEpochMilli(record.timestamp());
        } else if (job != null && job.createdAt() != null) {
            enqueued = job.createdAt();
        } else {
            enqueued = received;
        }
        return new QueueTime(enqueued, received);
    }

    public long queueMs() {
        return clamp(received.toEpochMilli() - enqueued.toEpochMilli());
    }

    /** From enqueueing to {@code nowMillis}, clamped like {@link #queueMs()}. */
    public long totalMs(long nowMillis) {
        return Math.max(queueMs(), clamp(nowMillis - enqueued.toEpochMilli()));
    }

    private static long clamp(long ms) {
        return Math.max(0, Math.min(ms, MAX_QUEUE.toMillis()));
    }
}
