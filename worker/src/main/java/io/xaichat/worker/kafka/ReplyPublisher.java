package io.xaichat.worker.kafka;

import io.xaichat.worker.logging.LogText;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Publishes stream chunks, results and dead-letter records. Chunks are sent without waiting; a result or a
 * dead-letter record is waited for (or, on the cache-hit path, its acknowledgement collected), so the job's offset
 * is committed only after the broker acknowledged it.
 * Chunks and the result share the job_id key, so they land on one partition in order.
 */
public final class ReplyPublisher implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final String workerId;
    private final String deadLetterTopic;
    private final Duration ackTimeout;

    public ReplyPublisher(Producer<String, byte[]> producer, String workerId, String deadLetterTopic,
                          Duration ackTimeout) {
        this.producer = producer;
        this.workerId = workerId;
        this.deadLetterTopic = deadLetterTopic;
        this.ackTimeout = ackTimeout;
    }

    /**
     * Sends a chunk to the job's stream topic (a job without one, a request/reply client's, streams nowhere) unless
     * the stream's half of the job's byte budget is spent: then it is dropped, except that a final chunk still goes
     * out (with its text left out) so the stream ends.
     */
    public void chunk(ReplyAddress to, StreamChunk chunk) {
        if (to.streamTopic() == null) return;
        ProducerRecord<String, byte[]> record = chunkRecord(to, Json.toBytes(chunk));
        if (!to.budget().takeForStream(size(record))) {
            if (!chunk.last()) return;
            record = chunkRecord(to, Json.toBytes(new StreamChunk(chunk.jobId(), chunk.seq(), "", true, chunk.progress())));
        }
        producer.send(record);
    }

    /**
     * @throws OutputTooLargeException when an ok result does not fit in the job's byte budget (error results,
     *     short by construction, always go out)
     * @throws PublishException when the broker did not acknowledge within the timeout
     */
    public void result(ReplyAddress to, ResultEnvelope result) throws PublishException {
        ProducerRecord<String, byte[]> record = resultRecord(to, result);
        await(producer.send(record), "result to " + to.topic() + (to.partition() == null ? "" : "-" + to.partition()));
    }

    /** Bytes a record puts on the broker: key, value, header names and values. */
    static long size(ProducerRecord<String, byte[]> record) {
        long total = record.value() == null ? 0 : record.value().length;
        if (record.key() != null) total += record.key().getBytes(StandardCharsets.UTF_8).length;
        for (Header h : record.headers()) total += h.key().length() + (h.value() == null ? 0 : h.value().length);
        return total;
    }

    /**
     * Sends a result without waiting; the future completes when the broker acknowledged it, or fails. The cache-hit
     * path uses it so many answers are in flight at once; their offsets are committed only after the ack.
     */
    public CompletableFuture<Void> resultAsync(ReplyAddress to, ResultEnvelope result) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            producer.send(resultRecord(to, result), (metadata, e) -> {
                if (e == null) ack.complete(null);
                else ack.completeExceptionally(new PublishException("could not publish result to " + to.topic() + ": "
                        + e.getMessage(), e));
            });
        } catch (OutputTooLargeException e) {
            ack.completeExceptionally(e);
        } catch (RuntimeException e) {
            ack.completeExceptionally(new PublishException("could not publish result to " + to.topic() + ": "
                    + e.getMessage(), e));
        }
        return ack;
    }

    /** Copies the original record, untouched, to the dead-letter topic with headers saying what was wrong. */
    public void deadLetter(ConsumerRecord<String, byte[]> original, ErrorCode code, String message)
            throws PublishException {
        ProducerRecord<String, byte[]> dlq = new ProducerRecord<>(deadLetterTopic, null, original.key(),
                original.value());
        Headers headers = dlq.headers();
        for (Header h : original.headers()) headers.add(h);
        headers.add(RecordHeaders.ERROR_CODE, utf8(code.wire()));
        headers.add(RecordHeaders.ERROR_MESSAGE, utf8(LogText.message(message, 2000)));
        headers.add(RecordHeaders.ORIGINAL_TOPIC, utf8(original.topic()));
        headers.add(RecordHeaders.ORIGINAL_PARTITION, utf8(String.valueOf(original.partition())));
        headers.add(RecordHeaders.ORIGINAL_OFFSET, utf8(String.valueOf(original.offset())));
        headers.add(RecordHeaders.WORKER_ID, utf8(workerId));
        await(producer.send(dlq), "dead-letter record to " + deadLetterTopic);
    }

    /** @throws OutputTooLargeException when an ok result does not fit in the job's byte budget */
    private ProducerRecord<String, byte[]> resultRecord(ReplyAddress to, ResultEnvelope result)
            throws OutputTooLargeException {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(to.topic(), to.partition(), to.jobId(),
                Json.toBytes(result));
        record.headers()
                .add(RecordHeaders.CORRELATION_ID, to.correlationId())
                .add(RecordHeaders.XAICHAT_CORRELATION_ID, to.correlationId())
                .add(RecordHeaders.MESSAGE_TYPE, utf8(RecordHeaders.TYPE_RESULT))
                .add(RecordHeaders.WORKER_ID, utf8(workerId));
        if (result.ok() && !to.budget().take(size(record))) {
            throw new OutputTooLargeException("the result of " + size(record) + " bytes does not fit in the "
                    + (to.budget().limit() - to.budget().used()) + " bytes left of the " + to.budget().limit()
                    + " a job may publish (--max-reply-bytes)");
        }
        return record;
    }

    // No kafka_correlationId: a ReplyingKafkaTemplate must complete on the result, not on the first chunk.
    private ProducerRecord<String, byte[]> chunkRecord(ReplyAddress to, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(to.streamTopic(), to.streamPartition(), to.jobId(), value);
        record.headers()
                .add(RecordHeaders.XAICHAT_CORRELATION_ID, to.correlationId())
                .add(RecordHeaders.MESSAGE_TYPE, utf8(RecordHeaders.TYPE_CHUNK))
                .add(RecordHeaders.WORKER_ID, utf8(workerId));
        return record;
    }

    private void await(java.util.concurrent.Future<?> ack, String what) throws PublishException {
        try {
            ack.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException("could not publish " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no acknowledgement for " + what + " within " + ackTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing " + what, e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
