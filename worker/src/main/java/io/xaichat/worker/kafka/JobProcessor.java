package io.xaichat.worker.kafka;

import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.schema.StreamChunk;
import io.xaichat.schema.Timings;
import io.xaichat.schema.ErrorInfo;
import io.xaichat.worker.cache.CacheKey;
import io.xaichat.worker.cache.CachedCompute;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one job record into one answer on the job's reply topic: decode, validate, check the deadline, answer from
 * the cache or the engine, publish. Whatever is wrong with the record, it ends as an error result (when a reply
 * topic can be read) plus a dead-letter record; nothing escapes to the consumer loop.
 */
public final class JobProcessor {
    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);

    private final Engine<?> engine;
    private final JobDecoder decoder;
    private final CachedCompute cache;
    private final ReplyPublisher publisher;
    private final JobListener listener;
    private final String workerId;
    private final int streamBatchSize;
    private final Clock clock;

    /** @param cache null to run without a result cache */
    public JobProcessor(Engine<?> engine, String jobTopic, SchemaValidator validator, CachedCompute cache,
                        ReplyPublisher publisher, JobListener listener, String workerId, int maxRecordBytes, int maxTokens,
                        int streamBatchSize, Clock clock) {
        this.engine = engine;
        this.decoder = new JobDecoder(validator, engine.kind(), engine.modelId(), jobTopic, maxRecordBytes, maxTokens);
        this.cache = cache;
        this.publisher = publisher;
        this.listener = listener;
        this.workerId = workerId;
        this.streamBatchSize = streamBatchSize;
        this.clock = clock;
    }

    public JobKind kind() {
        return engine.kind();
    }

    /** The CPUs the engine is pinned to: the job thread binds itself to them. */
    public CpuSet cpus() {
        return engine.cpus();
    }

    /**
     * @return true when the answer (and any dead-letter record) was acknowledged, so the offset may be committed;
     *     false when the broker could not take it and the record must be processed again
     */
    public boolean process(ConsumerRecord<String, byte[]> record) {
        listener.started(engine.kind());
        try {
            return answerRecord(record);
        } finally {
            listener.finished(engine.kind());
        }
    }

    private boolean answerRecord(ConsumerRecord<String, byte[]> record) {
        Instant received = clock.instant();
        JobDecoder.Decoded decoded = decoder.decode(record);
        ReplyAddress address = decoded.address();
        if (!decoded.ok()) return reject(record, address, decoded.failure().code(), decoded.failure().getMessage());
        JobEnvelope job = decoded.job();
        try {
            ResultEnvelope result = expired(job, received) ? expiredResult(job, received) : answer(engine, job, address, received);
            return deliver(record, address, result);
        } catch (JobFailure f) {
            return reject(record, address, f.code(), f.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("job {} interrupted; it will be redelivered", address.jobId());
            return false;
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", address.jobId(), e);
            return reject(record, address, ErrorCode.ENGINE_FAILURE, "internal error: " + e);
        }
    }

    private static boolean expired(JobEnvelope job, Instant now) {
        return job.deadline() != null && now.isAfter(job.deadline());
    }

    private ResultEnvelope expiredResult(JobEnvelope job, Instant received) {
        long queueMs = queueMs(job, received);
        return new ResultEnvelope(job.jobId(), ResultStatus.EXPIRED, job.kind(), null, null,
                new Timings(queueMs, 0, queueMs), false, workerId, engine.modelId(), null,
                new ErrorInfo(ErrorCode.DEADLINE_EXPIRED, "deadline " + job.deadline() + " passed before the job started"));
    }

    private <R> ResultEnvelope answer(Engine<R> engine, JobEnvelope job, ReplyAddress address, Instant received)
            throws JobFailure, InterruptedException {
        PreparedJob<R> prepared = engine.prepare(job);
        StreamingSink sink = prepared.streaming() ? new StreamingSink(publisher, address, streamBatchSize) : null;
        CachedCompute.Computation compute = () -> compute(engine, prepared, sink, received);
        CachedCompute.Outcome outcome = cache == null
                ? new CachedCompute.Outcome(compute.compute(), false)
                : cache.fetchOrCompute(CacheKey.of(engine.kind(), engine.modelId(), engine.modelDigest(),
                        prepared.cacheMaterial()), job.cache(), prepared.deterministic(), compute);
        listener.cacheOutcome(engine.kind(), cache == null ? null : outcome.fromCache());
        ResultEnvelope result = outcome.result();
        if (outcome.fromCache()) {
            long queueMs = queueMs(job, received);
            long totalMs = Math.max(queueMs, clock.millis() - job.createdAt().toEpochMilli());
            result = result.withJobId(job.jobId()).asCached(new Timings(queueMs, 0, totalMs), workerId);
            if (sink != null) {
                publisher.chunk(address, StreamChunk.text(job.jobId(), 0, Objects.requireNonNullElse(result.text(), ""), true));
            }
        } else if (sink != null) {
            sink.finish();
        }
        return result;
    }

    private <R> ResultEnvelope compute(Engine<R> engine, PreparedJob<R> prepared, ChunkSink sink, Instant received)
            throws JobFailure {
        JobEnvelope job = prepared.envelope();
        long start = System.nanoTime();
        EngineResult out = engine.run(prepared, sink == null ? ChunkSink.NONE : sink);
        long computeMs = (System.nanoTime() - start) / 1_000_000;
        long queueMs = queueMs(job, received);
        ResultEnvelope result = new ResultEnvelope(job.jobId(), ResultStatus.OK, job.kind(), out.output(), out.usage(),
                new Timings(queueMs, computeMs, queueMs + computeMs), false, workerId, engine.modelId(),
                out.finishReason(), null, out.reasoningContent(), out.logprobs());
        listener.computed(engine.kind(), result);
        return result;
    }

    private long queueMs(JobEnvelope job, Instant received) {
        return job.createdAt() == null ? 0 : Math.max(0, received.toEpochMilli() - job.createdAt().toEpochMilli());
    }

    /**
     * Publishes a result. If the broker does not take it, it is tried once more (the broker may just have come back);
     * a reply that still cannot be delivered (missing or invalid reply topic, result too large) sends the job to the
     * dead-letter topic. Only when the dead-letter topic cannot be reached either is the job left to be redone.
     */
    private boolean deliver(ConsumerRecord<String, byte[]> record, ReplyAddress address, ResultEnvelope result) {
        PublishException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                publisher.result(address, result);
                listener.answered(engine.kind(), result);
                return true;
            } catch (PublishException e) {
                failure = e;
                if (!retriable(e)) break;
            }
        }
        log.warn("job {}: {}", address.jobId(), failure.getMessage());
        return deadLetter(record, address, ErrorCode.REPLY_FAILED, failure.getMessage());
    }

    private boolean reject(ConsumerRecord<String, byte[]> record, ReplyAddress address, String code, String message) {
        log.info("job {} from {}-{}@{} rejected: {}: {}", address.jobId(), record.topic(), record.partition(),
                record.offset(), code, message);
        if (address.topic() != null) {
            ResultEnvelope error = ResultEnvelope.error(address.jobId(), engine.kind(), workerId, code, message);
            try {
                publisher.result(address, error);
                listener.answered(engine.kind(), error);
            } catch (PublishException e) {
                // The dead-letter record below still keeps the job; an unreachable broker fails that too.
                log.warn("job {}: error result not delivered to '{}': {}", address.jobId(), address.topic(), e.getMessage());
            }
        }
        return deadLetter(record, address, code, message);
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, ReplyAddress address, String code, String message) {
        try {
            publisher.deadLetter(record, code, message);
            listener.deadLettered(engine.kind(), code);
            return true;
        } catch (PublishException e) {
            log.warn("job {}: dead-letter publish failed ({}); it will be processed again", address.jobId(), e.getMessage());
            return false;
        }
    }

    private static boolean retriable(PublishException e) {
        return e.getCause() instanceof RetriableException || e.getCause() instanceof TimeoutException
                || e.getCause() instanceof java.util.concurrent.TimeoutException
                || e.getCause() instanceof InterruptedException;
    }
}
