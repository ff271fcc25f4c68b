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
import io.xaichat.worker.cache.CacheKeys;
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
import io.xaichat.worker.logging.LogText;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one job record into one answer on the job's reply topic: decode, validate, check the deadline, answer from
 * the cache or the engine, publish. Whatever is wrong with the record, it ends as an error result (when a reply
 * topic can be read) plus a dead-letter record; nothing escapes to the consumer loop. Thread-safe: several job
 * threads use one processor; engine run calls beyond the engine's {@link Engine#slots()} wait for a free slot.
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
    private final Semaphore slots;
    private final JobSafeguards safeguards;
    private final CacheKeys cacheKeys = new CacheKeys();
    private final RecentPlans plans = new RecentPlans();

    /** @param cache null to run without a result cache */
    public JobProcessor(Engine<?> engine, String jobTopic, SchemaValidator validator, CachedCompute cache,
                        ReplyPublisher publisher, JobListener listener, String workerId, int maxRecordBytes, int maxTokens,
                        int streamBatchSize, Clock clock, JobSafeguards safeguards) {
        this.safeguards = safeguards;
        this.engine = engine;
        this.decoder = new JobDecoder(validator, engine.kind(), engine.modelId(), jobTopic, maxRecordBytes, maxTokens);
        this.cache = cache;
        this.publisher = publisher;
        this.listener = listener;
        this.workerId = workerId;
        this.streamBatchSize = streamBatchSize;
        this.clock = clock;
        this.slots = new Semaphore(Math.max(1, engine.slots()), true);
    }

    public JobKind kind() {
        return engine.kind();
    }

    /** The CPUs the engine is pinned to: the job thread binds itself to them. */
    public CpuSet cpus() {
        return engine.cpus();
    }

    /** How many run calls the engine serves at once. */
    public int engineSlots() {
        return Math.max(1, engine.slots());
    }

    public JobListener listener() {
        return listener;
    }

    /**
     * A record read and checked, ready for the cache-hit path or a job thread: the decoded job and its prepared
     * request, or why it cannot run. {@code cacheKey} is set when the job may be answered from the cache.
     */
    public record Intake(ConsumerRecord<String, byte[]> record, QueueTime queue, long receivedNanos,
                         JobDecoder.Decoded decoded, ReplyAddress address, PreparedJob<?> prepared, JobFailure failure,
                         CacheKey cacheKey, boolean retryLater) {}

    /**
     * Decodes, validates and prepares a record without computing or publishing anything. Never throws. The reply
     * policy is checked first: a job whose reply or stream topic is refused fails with {@code reply_refused} and
     * replies nowhere; one whose topic the broker could not confirm in time is to be processed again later.
     */
    public Intake intake(ConsumerRecord<String, byte[]> record) {
        Instant received = clock.instant();
        long nanos = System.nanoTime();
        JobDecoder.Decoded decoded = decoder.decode(record);
        ReplyAddress address = decoded.address().withBudget(safeguards.maxReplyBytes());
        QueueTime queue = QueueTime.of(record, decoded.job(), received);
        ReplyGuard.Decision reply = replyDecision(address);
        if (reply != null && reply.retryLater()) {
            log.warn("job {}: {}; it will be processed again", LogText.clip(address.jobId()), reply.reason());
            return new Intake(record, queue, nanos, decoded, address, null, null, null, true);
        }
        if (reply != null && !reply.allowed()) {
            JobFailure refused = decoded.ok() ? new JobFailure(ErrorCode.REPLY_REFUSED, reply.reason())
                    : new JobFailure(decoded.failure().code(),
                            decoded.failure().getMessage() + " (no error result: " + reply.reason() + ")");
            return new Intake(record, queue, nanos, decoded, address.withoutTopic(), null, refused, null, false);
        }
        if (!decoded.ok()) return new Intake(record, queue, nanos, decoded, address, null, decoded.failure(), null, false);
        JobEnvelope job = decoded.job();
        if (expired(job, received)) return new Intake(record, queue, nanos, decoded, address, null, null, null, false);
        try {
            PreparedJob<?> prepared = plans.prepare(engine, job, record.serializedValueSize());
            CacheKey key = cache == null || !CachedCompute.readsCache(job.cache(), prepared.deterministic()) ? null
                    : cacheKey(prepared, address);
            return new Intake(record, queue, nanos, decoded, address, prepared, null, key, false);
        } catch (JobFailure f) {
            return new Intake(record, queue, nanos, decoded, address, null, f, null, false);
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", LogText.clip(address.jobId()), e);
            return new Intake(record, queue, nanos, decoded, address, null,
                    new JobFailure(ErrorCode.ENGINE_FAILURE, "internal error: " + e, e), null, false);
        }
    }

    /** Null when there is no topic to check (nothing will be published but a dead letter). */
    private ReplyGuard.Decision replyDecision(ReplyAddress address) {
        if (address.topic() == null) return null;
        ReplyGuard.Decision reply = safeguards.replyGuard().check(address.topic());
        if (reply.allowed() && address.streamTopic() != null && !address.streamTopic().equals(address.topic())) {
            reply = safeguards.replyGuard().check(address.streamTopic()); // chunks obey the same policy as results
        }
        return reply;
    }

    /**
     * Answers a record from start to end on the calling (job) thread.
     *
     * @return true when the answer (and any dead-letter record) was acknowledged, so the offset may be committed;
     *     false when the broker could not take it and the record must be processed again
     */
    public boolean process(ConsumerRecord<String, byte[]> record) {
        return process(intake(record));
    }

    /** Answers an intake on the calling (job) thread: error result, expiry, cache or engine, then publish. */
    public boolean process(Intake in) {
        ConsumerRecord<String, byte[]> record = in.record();
        ReplyAddress address = in.address();
        if (in.retryLater()) return false;
        if (in.failure() != null) return reject(record, address, in.failure().code(), in.failure().getMessage());
        JobEnvelope job = in.decoded().job();
        try {
            ResultEnvelope result = in.prepared() == null ? expiredResult(job, in.queue())
                    : answer(engine, in.prepared(), in.cacheKey(), address, in.queue());
            return deliver(record, address, result);
        } catch (JobFailure f) {
            return reject(record, address, f.code(), f.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("job {} interrupted; it will be redelivered", LogText.clip(address.jobId()));
            return false;
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", LogText.clip(address.jobId()), e);
            return reject(record, address, ErrorCode.ENGINE_FAILURE, "internal error: " + e);
        }
    }

    /**
     * The cache-hit fast path: publishes a cached value as the intake's answer without waiting for the broker. The
     * future completes when the broker acknowledged it, or fails; the caller then gives the record to a job thread.
     */
    public CompletableFuture<ResultEnvelope> answerCached(Intake in, ResultEnvelope cached) {
        JobEnvelope job = in.decoded().job();
        ResultEnvelope result = asCachedAnswer(job, cached, in.queue());
        ReplyAddress address = in.address();
        if (in.prepared().streaming()) publisher.chunk(address, finalChunk(job, result));
        return publisher.resultAsync(address, result).thenApply(ack -> {
            listener.cacheOutcome(engine.kind(), true);
            listener.answered(engine.kind(), result);
            listener.cacheHitAnswered(engine.kind(), (System.nanoTime() - in.receivedNanos()) / 1e9);
            return result;
        });
    }

    // Scoped by the topic the answer really goes to: a Spring client names it only in kafka_replyTopic.
    private CacheKey cacheKey(PreparedJob<?> prepared, ReplyAddress address) {
        return cacheKeys.of(engine.kind(), engine.modelId(), engine.modelDigest(), prepared.cacheMaterial(),
                safeguards.cacheScope().of(prepared.envelope(), address.topic()));
    }

    private static boolean expired(JobEnvelope job, Instant now) {
        return job.deadline() != null && now.isAfter(job.deadline());
    }

    private ResultEnvelope expiredResult(JobEnvelope job, QueueTime queue) {
        long queueMs = queue.queueMs();
        return new ResultEnvelope(job.jobId(), ResultStatus.EXPIRED, job.kind(), null, null,
                new Timings(queueMs, 0, queueMs), false, workerId, engine.modelId(), null,
                new ErrorInfo(ErrorCode.DEADLINE_EXPIRED, "deadline " + job.deadline() + " passed before the job started"));
    }

    @SuppressWarnings("unchecked")
    private <R> ResultEnvelope answer(Engine<R> engine, PreparedJob<?> preparedJob, CacheKey key, ReplyAddress address,
                                      QueueTime queue) throws JobFailure, InterruptedException {
        PreparedJob<R> prepared = (PreparedJob<R>) preparedJob;
        JobEnvelope job = prepared.envelope();
        StreamingSink sink = prepared.streaming() ? new StreamingSink(publisher, address, streamBatchSize) : null;
        CachedCompute.Computation compute = () -> compute(engine, prepared, sink, queue);
        CachedCompute.Outcome outcome = cache == null
                ? new CachedCompute.Outcome(compute.compute(), false)
                : cache.fetchOrCompute(key != null ? key : cacheKey(prepared, address), job.cache(), prepared.deterministic(),
                        compute);
        listener.cacheOutcome(engine.kind(), cache == null ? null : outcome.fromCache());
        ResultEnvelope result = outcome.result();
        if (outcome.fromCache()) {
            result = asCachedAnswer(job, result, queue);
            if (sink != null) publisher.chunk(address, finalChunk(job, result));
        } else if (sink != null) {
            sink.finish();
        }
        return result;
    }

    /** A cached value as the answer to {@code job}: its id, this worker, and this job's own timings. */
    private ResultEnvelope asCachedAnswer(JobEnvelope job, ResultEnvelope cached, QueueTime queue) {
        long queueMs = queue.queueMs();
        long totalMs = queue.totalMs(clock.millis());
        return cached.withJobId(job.jobId()).asCached(new Timings(queueMs, 0, totalMs), workerId);
    }

    private static StreamChunk finalChunk(JobEnvelope job, ResultEnvelope result) {
        return StreamChunk.text(job.jobId(), 0, Objects.requireNonNullElse(result.text(), ""), true);
    }

    private <R> ResultEnvelope compute(Engine<R> engine, PreparedJob<R> prepared, ChunkSink sink, QueueTime queue)
            throws JobFailure, InterruptedException {
        JobEnvelope job = prepared.envelope();
        EngineResult out;
        long start;
        slots.acquire(); // run calls beyond the engine's slots wait here
        try {
            start = System.nanoTime();
            out = engine.run(prepared, sink == null ? ChunkSink.NONE : sink);
        } finally {
            slots.release();
        }
        long computeMs = (System.nanoTime() - start) / 1_000_000;
        long queueMs = queue.queueMs();
        ResultEnvelope result = new ResultEnvelope(job.jobId(), ResultStatus.OK, job.kind(), out.output(), out.usage(),
                new Timings(queueMs, computeMs, queueMs + computeMs), false, workerId, engine.modelId(),
                out.finishReason(), null, out.reasoningContent(), out.logprobs());
        listener.computed(engine.kind(), result);
        return result;
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
            } catch (OutputTooLargeException e) {
                return reject(record, address, ErrorCode.OUTPUT_TOO_LARGE, e.getMessage());
            } catch (PublishException e) {
                failure = e;
                safeguards.replyGuard().sendFailed(address.topic());
                if (!retriable(e)) break;
            }
        }
        log.warn("job {}: {}", LogText.clip(address.jobId()), failure.getMessage());
        return deadLetter(record, address, ErrorCode.REPLY_FAILED, failure.getMessage());
    }

    private boolean reject(ConsumerRecord<String, byte[]> record, ReplyAddress address, ErrorCode code, String message) {
        log.info("job {} from {}-{}@{} rejected: {}: {}", LogText.clip(address.jobId()), record.topic(),
                record.partition(), record.offset(), code, LogText.message(message, 2000));
        if (address.topic() != null) {
            ResultEnvelope error = ResultEnvelope.error(address.jobId(), engine.kind(), workerId, code,
                    LogText.message(message, 2000));
            try {
                publisher.result(address, error);
                listener.answered(engine.kind(), error);
            } catch (PublishException e) {
                // The dead-letter record below still keeps the job; an unreachable broker fails that too.
                log.warn("job {}: error result not delivered to '{}': {}", LogText.clip(address.jobId()), address.topic(),
                        e.getMessage());
            }
        }
        return deadLetter(record, address, code, message);
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, ReplyAddress address, ErrorCode code, String message) {
        try {
            publisher.deadLetter(record, code, message);
            listener.deadLettered(engine.kind(), code);
            return true;
        } catch (PublishException e) {
            log.warn("job {}: dead-letter publish failed ({}); it will be processed again", LogText.clip(address.jobId()),
                    e.getMessage());
            return false;
        }
    }

    private static boolean retriable(PublishException e) {
        return e.getCause() instanceof RetriableException || e.getCause() instanceof TimeoutException
                || e.getCause() instanceof java.util.concurrent.TimeoutException
                || e.getCause() instanceof InterruptedException;
    }
}
