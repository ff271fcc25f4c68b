package io.xaichat.faults;

import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Counts jobs in and results out of one bulk run through a real {@link XaiChatClient}: every job submitted, every
 * job answered (the client keeps the first result per job id and counts later ones as duplicates).
 */
final class JobTally {
    private final XaiChatClient client;
    private final Map<String, CompletableFuture<ResultEnvelope>> jobs = new LinkedHashMap<>();
    private final Map<String, ResultEnvelope> answered = new ConcurrentHashMap<>();

    JobTally(XaiChatClient client) {
        this.client = client;
    }

    /** A deterministic chat job that generates {@code maxTokens} tokens; distinct prompts, so no cache hits. */
    static JobEnvelope chatJob(String jobId, int maxTokens) {
        ChatRequest request = ChatRequest.ofPrompt("Tell the story number " + jobId + " in full.")
                .withTemperature(0).withMaxTokens(maxTokens);
        return JobEnvelope.of(jobId, JobKind.CHAT, null, request);
    }

    /** Submits {@code count} chat jobs named {@code <prefix>-<n>}. */
    JobTally submit(String prefix, int count, int maxTokens) {
        for (int i = 0; i < count; i++) submit(chatJob(prefix + "-" + i, maxTokens));
        return this;
    }

    void submit(JobEnvelope job) {
        CompletableFuture<ResultEnvelope> future = client.submit(job);
        future.thenAccept(r -> answered.put(job.jobId(), r));
        jobs.put(job.jobId(), future);
    }

    int submitted() {
        return jobs.size();
    }

    int answered() {
        return answered.size();
    }

    /** Results so far that were computed by {@code workerId}. */
    long answeredBy(String workerId) {
        return answered.values().stream().filter(r -> workerId.equals(r.workerId())).count();
    }

    /** Waits until {@code n} jobs are answered or {@code timeout} passes. */
    void awaitAnswered(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered() < n && System.nanoTime() < deadline) Thread.sleep(20);
        if (answered() < n) throw new AssertionError("only " + answered() + " of " + n + " jobs answered in " + timeout);
    }

    /** Waits up to {@code timeout} for every job, then returns what arrived: a job without a result is lost. */
    Map<String, ResultEnvelope> awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<ResultEnvelope> f : jobs.values()) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // counted as lost below
            }
        }
        return Map.copyOf(answered);
    }

    /**
     * The row for the report after all jobs were awaited: waits {@code settle} for late duplicates first (a
     * redelivered job may be answered twice, a little apart).
     */
    ReliabilityReport.Row row(String fault, String how, Duration settle) throws InterruptedException {
        Thread.sleep(settle.toMillis());
        int out = answered();
        return new ReliabilityReport.Row(fault, submitted(), out, submitted() - out,
                client.stats().duplicatesDropped(), how);
    }
}
