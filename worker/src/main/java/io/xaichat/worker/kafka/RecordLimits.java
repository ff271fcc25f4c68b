package io.xaichat.worker.kafka;

import io.xaichat.schema.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Sizes of a job record that count against the limits: headers are as much the sender's bytes as the value. */
final class RecordLimits {
    /** Longest correlation id echoed on replies; Spring sends 16 bytes, XAIChat clients the job id (≤ 200). */
    static final int MAX_CORRELATION_ID_BYTES = 256;

    private RecordLimits() {}

    /** Key, value and every header name and value, in bytes. */
    static long totalBytes(ConsumerRecord<String, byte[]> record) {
        long total = record.value() == null ? 0 : record.value().length;
        if (record.key() != null) total += record.serializedKeySize() >= 0 ? record.serializedKeySize()
                : record.key().getBytes(StandardCharsets.UTF_8).length;
        for (Header h : record.headers()) {
            total += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return total;
    }

    /** The correlation header's length when it is longer than allowed, else -1. */
    static int oversizedCorrelationId(ConsumerRecord<String, byte[]> record) {
        Header h = record.headers().lastHeader(RecordHeaders.CORRELATION_ID);
        return h != null && h.value() != null && h.value().length > MAX_CORRELATION_ID_BYTES ? h.value().length : -1;
    }

    /** The correlation id to echo: the request's header when present and short enough, else the job id. */
    static byte[] correlationId(ConsumerRecord<String, byte[]> record, String jobId) {
        Header h = record.headers().lastHeader(RecordHeaders.CORRELATION_ID);
        boolean usable = h != null && h.value() != null && h.value().length > 0
                && h.value().length <= MAX_CORRELATION_ID_BYTES;
        return usable ? h.value() : jobId.getBytes(StandardCharsets.UTF_8);
    }
}
