package io.xaichat.client;

import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.StreamChunk;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches reply records to the jobs waiting for them, by correlation id (the job id). Knows nothing of Kafka: the
 * client's poll thread feeds it. Stream chunks reach a job's callback once each, in seq order; a job's first
 * result completes its future and any later result for the same id (a redelivered job answered twice) is dropped
 * and counted.
 */
final class ReplyRouter {
    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);
    /** Ids of recently finished jobs, remembered to recognise duplicates and late answers. */
    private static final int FINISHED_MEMORY = 200_000;

    private enum Finish { ANSWERED, TIMED_OUT, FAILED }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Finish> finished = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Finish> eldest) {
            return size() > FINISHED_MEMORY;
        }
    };
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** A job waiting for its answer; chunks that arrive ahead of their turn wait in {@code early}. */
    private static final class Pending {
        final CompletableFuture<ResultEnvelope> future = new CompletableFuture<>();
        final Consumer<StreamChunk> onChunk;
        final TreeMap<Long, StreamChunk> early = new TreeMap<>();
        long nextSeq;

        Pending(Consumer<StreamChunk> onChunk) {
            this.onChunk = onChunk;
        }
    }

    /** @throws IllegalStateException when a job with this id is already waiting */
    CompletableFuture<ResultEnvelope> register(String jobId, Consumer<StreamChunk> onChunk) {
        Pending p = new Pending(onChunk);
        if (pending.putIfAbsent(jobId, p) != null) {
            throw new IllegalStateException("job " + jobId + " is already waiting for its result; job ids must be unique");
        }
        synchronized (finished) {
            finished.remove(jobId);
        }
        submitted.incrementAndGet();
        return p.future;
    }

    void chunk(String jobId, byte[] value) {
        Pending p = pending.get(jobId);
        if (p == null) return; // chunks of finished or foreign jobs: only results are counted
        StreamChunk chunk;
        try {
            chunk = Json.read(value, StreamChunk.class);
        } catch (RuntimeException e) {
            log.warn("unreadable stream chunk for job {} dropped: {}", jobId, e.getMessage());
            return;
        }
        if (chunk == null || !jobId.equals(chunk.jobId())) {
            rejected("stream chunk keyed '" + jobId + "' is for job '" + (chunk == null ? null : chunk.jobId()) + "'");
            return;
        }
        if (p.onChunk == null) return;
        synchronized (p) {
            if (chunk.seq() < p.nextSeq) return; // a redelivered job streams again from 0: already shown
            p.early.put(chunk.seq(), chunk);
            while (!p.early.isEmpty() && p.early.firstKey() == p.nextSeq) {
                deliver(jobId, p, p.early.pollFirstEntry().getValue());
                p.nextSeq++;
            }
        }
    }

    private static void deliver(String jobId, Pending p, StreamChunk chunk) {
        try {
            p.onChunk.accept(chunk);
        } catch (RuntimeException e) {
            log.warn("stream callback for job {} failed on chunk {}", jobId, chunk.seq(), e);
        }
    }

    /**
     * A result keyed {@code jobId}. It completes the job only if its body names the same job; an unreadable or
     * mismatching body is dropped and counted, and the job keeps waiting for its real answer.
     */
    void result(String jobId, byte[] value) {
        if (!pending.containsKey(jobId)) {
            countUnknown(jobId);
            return;
        }
        ResultEnvelope result;
        try {
            result = Json.read(value, ResultEnvelope.class);
        } catch (RuntimeException e) {
            rejected("unreadable result keyed '" + jobId + "': " + e.getMessage());
            return;
        }
        if (result == null || !jobId.equals(result.jobId())) {
            rejected("result keyed '" + jobId + "' is for job '" + (result == null ? null : result.jobId()) + "'");
            return;
        }
        Pending p = pending.remove(jobId);
        if (p == null) {
            countUnknown(jobId);
            return;
        }
        finish(jobId, Finish.ANSWERED);
        answered.incrementAndGet();
        p.future.complete(result);
    }

    /** A record that claims to be a reply but does not match the job it names: dropped. */
    void rejected(String why) {
        if (rejected.incrementAndGet() <= 10) log.warn("reply dropped: {}", why.replaceAll("\\p{Cntrl}", "?"));
    }

    /** Ends a waiting job with a timeout; false if it was answered meanwhile. */
    boolean timeOut(String jobId, JobTimeoutException reason) {
        Pending p = pending.remove(jobId);
        if (p == null) return false;
        finish(jobId, Finish.TIMED_OUT);
        timedOut.incrementAndGet();
        p.future.completeExceptionally(reason);
        return true;
    }

    /** Ends a waiting job with an error (its send failed, or the client closed). */
    void fail(String jobId, Throwable reason) {
        Pending p = pending.remove(jobId);
        if (p == null) return;
        finish(jobId, Finish.FAILED);
        p.future.completeExceptionally(reason);
    }

    void failAll(Throwable reason) {
        for (String id : pending.keySet()) fail(id, reason);
    }

    int waiting() {
        return pending.size();
    }

    ClientStats stats() {
        return new ClientStats(submitted.get(), answered.get(), timedOut.get(), duplicates.get(), late.get(),
                foreign.get(), rejected.get());
    }

    private void finish(String jobId, Finish how) {
        synchronized (finished) {
            finished.put(jobId, how);
        }
    }

    private void countUnknown(String jobId) {
        Finish how;
        synchronized (finished) {
            how = finished.get(jobId);
        }
        if (how == Finish.ANSWERED) {
            duplicates.incrementAndGet();
        } else if (how != null) {
            late.incrementAndGet();
        } else {
            foreign.incrementAndGet();
        }
    }
}
