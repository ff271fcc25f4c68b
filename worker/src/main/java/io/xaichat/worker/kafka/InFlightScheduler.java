package io.xaichat.worker.kafka;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.worker.cache.CacheKey;
import io.xaichat.worker.cache.CachedCompute;
import io.xaichat.worker.cpu.ThreadAffinity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs the poll thread hands over, several at once, and reports each answered (or failed) record back.
 * Lookup threads read each poll batch, ask the cache for all its deterministic jobs in one round trip and answer
 * the hits themselves with asynchronous sends; everything else goes to {@code concurrency} job threads. So a hit never
 * waits behind a running job, and jobs finish in any order (the {@link OffsetTracker} keeps commits in order).
 *
 * <p>A record only starts while its partition is owned and the scheduler is not stopping: a revoked partition's
 * queued records are dropped (the next owner does them), its running ones can be awaited with {@link #awaitIdle}.
 */
final class InFlightScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InFlightScheduler.class);

    /** A record that was processed: {@code acknowledged} when its answer reached the broker. */
    record Completion(ConsumerRecord<String, byte[]> record, boolean acknowledged) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    private final JobProcessor processor;
    private final CachedCompute cache;
    private final JobKind kind;
    private final JobListener listener;
    private final ExecutorService lookupThreads;
    private final int lookupParallelism;
    private final ThreadPoolExecutor jobThreads;
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final Runnable onCompletion;

    // The gate: which partitions may start records, and how many records of each are in progress.
    private final Object gate = new Object();
    private final Set<TopicPartition> owned = new HashSet<>();
    private final Map<TopicPartition, Integer> inProgress = new HashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private boolean stopping;

    /**
     * @param cache null when the worker runs without a result cache (no lookups)
     * @param onCompletion called after each completion is queued (the poll thread may want waking); must not block
     */
    InFlightScheduler(JobProcessor processor, CachedCompute cache, int concurrency, Runnable onCompletion) {
        this.onCompletion = onCompletion;
        this.processor = processor;
        this.cache = cache;
        this.kind = processor.kind();
        this.listener = processor.listener();
        String name = kind.wireName();
        // Reading a record (JSON, schema, request) costs more than answering a hit: spread each batch over the cores.
        this.lookupParallelism = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        AtomicInteger l = new AtomicInteger();
        this.lookupThreads = Executors.newFixedThreadPool(lookupParallelism,
                r -> daemon(r, "xaichat-lookup-" + name + "-" + l.incrementAndGet()));
        AtomicInteger n = new AtomicInteger();
        this.jobThreads = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(() -> {
                    ThreadAffinity.pinCurrentThread(processor.cpus()); // ONNX Runtime computes on the calling thread too
                    r.run();
                }, "xaichat-job-" + name + "-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void assigned(Collection<TopicPartition> partitions) {
        synchronized (gate) {
            owned.addAll(partitions);
        }
    }

    /** No record of {@code partitions} starts from now on; those already running go on. */
    void revoked(Collection<TopicPartition> partitions) {
        synchronized (gate) {
            owned.removeAll(partitions);
        }
    }

    /** No record starts from now on (shutdown); those already running go on. */
    void stopStarting() {
        synchronized (gate) {
            stopping = true;
        }
    }

    /** Hands over one poll batch (split over the lookup threads). Returns at once. */
    void submit(List<ConsumerRecord<String, byte[]>> batch) {
        // Small batches stay whole: one MGET, and a lone job's latency is not split.
        int parts = batch.size() < 64 ? 1 : lookupParallelism;
        int size = (batch.size() + parts - 1) / parts;
        for (int from = 0; from < batch.size(); from += size) {
            List<ConsumerRecord<String, byte[]>> part = batch.subList(from, Math.min(batch.size(), from + size));
            lookupThreads.execute(() -> lookUp(part));
        }
    }

    /** Completions reported and not yet drained. */
    int completionsQueued() {
        return completions.size();
    }

    /** Processes a record again on a job thread (its answer could not be published before). */
    void retry(ConsumerRecord<String, byte[]> record) {
        startOnJobThread(record, null);
    }

    /** Moves the completions reported so far to {@code sink}. */
    void drainCompletions(Consumer<Completion> sink) {
        Completion c;
        while ((c = completions.poll()) != null) sink.accept(c);
    }

    /** Records in progress now (computing, waiting for an engine slot, or a hit waiting for its ack). */
    int inProgress() {
        return running.get();
    }

    /** Waits until no record of {@code partitions} is in progress, or the deadline passes; returns how many still are. */
    int awaitIdle(Collection<TopicPartition> partitions, long deadlineNanos) throws InterruptedException {
        synchronized (gate) {
            while (true) {
                int busy = 0;
                for (TopicPartition tp : partitions) busy += inProgress.getOrDefault(tp, 0);
                long left = deadlineNanos - System.nanoTime();
                if (busy == 0 || left <= 0) return busy;
                TimeUnit.NANOSECONDS.timedWait(gate, left);
            }
        }
    }

    /** Whether a job thread is still busy (after shutdown: a job abandoned after the grace period). */
    boolean computing() {
        return jobThreads.getActiveCount() > 0;
    }

    private void lookUp(List<ConsumerRecord<String, byte[]>> batch) {
        List<JobProcessor.Intake> intakes = new ArrayList<>(batch.size());
        for (ConsumerRecord<String, byte[]> record : batch) {
            if (startable(record)) intakes.add(processor.intake(record));
        }
        Map<JobProcessor.Intake, ResultEnvelope> hits = cache == null ? Map.of() : lookUpAll(intakes);
        for (JobProcessor.Intake in : intakes) {
            ResultEnvelope hit = hits.get(in);
            if (hit != null) answerHit(in, hit);
            else startOnJobThread(in.record(), in);
        }
    }

    /** One MGET for the distinct keys of a batch (identical jobs share one value, read and parsed once). */
    private Map<JobProcessor.Intake, ResultEnvelope> lookUpAll(List<JobProcessor.Intake> intakes) {
        Map<CacheKey, List<JobProcessor.Intake>> byKey = new LinkedHashMap<>();
        for (JobProcessor.Intake in : intakes) {
            if (in.cacheKey() != null) byKey.computeIfAbsent(in.cacheKey(), k -> new ArrayList<>()).add(in);
        }
        Map<JobProcessor.Intake, ResultEnvelope> hits = new IdentityHashMap<>();
        if (byKey.isEmpty()) return hits;
        List<CacheKey> keys = new ArrayList<>(byKey.keySet());
        try {
            List<Optional<ResultEnvelope>> values = cache.lookupAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                ResultEnvelope v = values.get(i).orElse(null);
                if (v != null) byKey.get(keys.get(i)).forEach(in -> hits.put(in, v));
            }
        } catch (RuntimeException e) {
            // e.g. a cached value that does not parse: the job threads look each one up again
            log.warn("batch cache lookup failed; answering these {} jobs one by one: {}", intakes.size(), e.toString());
        }
        return hits;
    }

    private void answerHit(JobProcessor.Intake in, ResultEnvelope hit) {
        if (!begin(in.record())) return;
        try {
            processor.answerCached(in, hit).whenComplete((result, failure) -> {
                if (failure == null) {
                    end(in.record(), true);
                } else {
                    // The full path retries the publish and dead-letters what cannot be delivered.
                    log.warn("job {}: cached answer not acknowledged ({}); retrying on a job thread",
                            in.address().jobId(), failure.getMessage());
                    continueOnJobThread(in);
                }
            });
        } catch (RuntimeException e) {
            log.warn("job {}: cached answer failed ({}); retrying on a job thread", in.address().jobId(), e.toString());
            continueOnJobThread(in);
        }
    }

    /** Queues a record for a job thread; it begins there, if its partition is still owned then. */
    private void startOnJobThread(ConsumerRecord<String, byte[]> record, JobProcessor.Intake in) {
        try {
            jobThreads.execute(() -> {
                if (begin(record)) compute(record, in);
            });
        } catch (RejectedExecutionException e) {
            // closed: the record stays uncommitted
        }
    }

    /** Hands a record already begun (a hit whose send failed) to a job thread for the full path. */
    private void continueOnJobThread(JobProcessor.Intake in) {
        try {
            jobThreads.execute(() -> compute(in.record(), in));
        } catch (RejectedExecutionException e) {
            end(in.record(), false);
        }
    }

    /** The full path on a job thread, for a record already begun. */
    private void compute(ConsumerRecord<String, byte[]> record, JobProcessor.Intake in) {
        boolean ok = false;
        try {
            ok = in != null ? processor.process(in) : processor.process(record);
        } catch (RuntimeException | Error e) {
            log.error("job processing failed", e);
        } finally {
            end(record, ok);
        }
    }

    private boolean startable(ConsumerRecord<String, byte[]> record) {
        synchronized (gate) {
            return !stopping && owned.contains(partitionOf(record));
        }
    }

    /** Marks a record in progress if its partition may still start records. */
    private boolean begin(ConsumerRecord<String, byte[]> record) {
        TopicPartition tp = partitionOf(record);
        synchronized (gate) {
            if (stopping || !owned.contains(tp)) return false;
            inProgress.merge(tp, 1, Integer::sum);
            // Counted under the gate: a drain that saw stopStarting() then sees every record begun before it.
            running.incrementAndGet();
        }
        listener.started(kind);
        return true;
    }

    private void end(ConsumerRecord<String, byte[]> record, boolean acknowledged) {
        completions.add(new Completion(record, acknowledged));
        listener.finished(kind);
        running.decrementAndGet();
        synchronized (gate) {
            inProgress.merge(partitionOf(record), -1, (a, b) -> a + b == 0 ? null : a + b);
            gate.notifyAll();
        }
        onCompletion.run();
    }

    static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Stops the threads; a job still running is not interrupted (freeing a model under a native call would crash). */
    @Override
    public void close() {
        lookupThreads.shutdown();
        jobThreads.shutdown();
    }
}
