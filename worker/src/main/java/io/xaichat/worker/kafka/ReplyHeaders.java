package io.xaichat.worker.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.worker.engine.JobFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The reply-routing headers of a job record, Spring Kafka's request/reply convention plus our stream topic:
 * {@code kafka_replyTopic}, {@code kafka_replyPartition} (4-byte big-endian int) and {@code xaichat_stream_topic}.
 * Combined with the body's {@code reply_to} they give the {@link ReplyAddress}; {@link #check} refuses the
 * combinations that have no single meaning rather than choosing silently.
 */
final class ReplyHeaders {
    /** Raw header values; null when the header is absent. */
    private final String replyTopic;
    private final byte[] replyPartition;
    private final String streamTopic;

    private ReplyHeaders(String replyTopic, byte[] replyPartition, String streamTopic) {
        this.replyTopic = replyTopic;
        this.replyPartition = replyPartition;
        this.streamTopic = streamTopic;
    }

    static ReplyHeaders of(ConsumerRecord<String, byte[]> record) {
        Header partition = record.headers().lastHeader(RecordHeaders.REPLY_PARTITION);
        return new ReplyHeaders(text(record, RecordHeaders.REPLY_TOPIC),
                partition == null ? null : partition.value(), text(record, RecordHeaders.STREAM_TOPIC));
    }

    /**
     * The best address that can be read, whatever else is wrong: the header's reply topic if given, else the
     * body's; the partition only if it parses; chunks to the stream topic header, else the body's topic when the
     * reply topic came from the body (a request/reply client that names no stream topic gets the result alone).
     *
     * @param tree the job's JSON, null if it could not be read
     */
    ReplyAddress address(JsonNode tree, String jobId, ConsumerRecord<String, byte[]> record) {
        // Names are kept as given, valid or not: the reply policy refuses what it must (reply_refused, a dead letter).
        String body = bodyReplyTo(tree);
        boolean fromHeader = present(replyTopic);
        String topic = fromHeader ? replyTopic : present(body) ? body : null;
        String stream = present(streamTopic) ? streamTopic : fromHeader ? null : topic;
        return new ReplyAddress(topic, partition(), jobId, JobDecoder.correlationId(record, jobId), stream);
    }

    /** @throws JobFailure for a conflict, a malformed header, or no reply topic at all */
    void check(JsonNode tree) throws JobFailure {
        JsonNode body = tree.get("reply_to");
        if (replyTopic != null && !JobDecoder.validTopic(replyTopic)) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "the " + RecordHeaders.REPLY_TOPIC
                    + " header is not a valid topic name");
        }
        if (replyPartition != null && partition() == null) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "the " + RecordHeaders.REPLY_PARTITION
                    + " header must be a 4-byte big-endian partition number ≥ 0, got " + replyPartition.length + " bytes");
        }
        if (streamTopic != null && !JobDecoder.validTopic(streamTopic)) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "the " + RecordHeaders.STREAM_TOPIC
                    + " header is not a valid topic name");
        }
        if (replyTopic != null && body != null && !body.isNull() && !(body.isTextual() && body.asText().equals(replyTopic))) {
            throw new JobFailure(ErrorCode.REPLY_CONFLICT, "reply_to " + body + " differs from the "
                    + RecordHeaders.REPLY_TOPIC + " header '" + replyTopic + "'; give one of them, or the same topic in both");
        }
        if (replyTopic == null && (body == null || body.isNull())) {
            throw new JobFailure(ErrorCode.SCHEMA_VIOLATION, "the job has no reply_to and the record no "
                    + RecordHeaders.REPLY_TOPIC + " header: there is nowhere to answer");
        }
    }

    private Integer partition() {
        if (replyPartition == null || replyPartition.length != 4) return null;
        int p = ByteBuffer.wrap(replyPartition).getInt();
        return p >= 0 ? p : null;
    }

    private static boolean present(String name) {
        return name != null && !name.isEmpty();
    }

    private static String bodyReplyTo(JsonNode tree) {
        JsonNode replyTo = tree == null ? null : tree.get("reply_to");
        return replyTo != null && replyTo.isTextual() ? replyTo.asText() : null;
    }

    private static String text(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
