package io.xaichat.gateway.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every gateway runs unfinished batches that nobody holds: each tick it takes the lease of open batches up to its
 * concurrency, renews the leases of those it runs, and stops a run whose lease it lost (another gateway took over)
 * or whose batch is being cancelled or has expired. A crashed gateway's leases lapse after the lease time and
 * its batches are resumed elsewhere, or by the same gateway restarted.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

    private final BatchStore store;
    private final String owner;
    private final int concurrency;
    private final long leaseMillis;
    private final Function<BatchStore.Ref, BatchExecution> executions;
    private final Map<BatchStore.Ref, BatchExecution> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService runners;

    BatchScheduler(BatchStore store, String owner, int concurrency, Duration lease,
                   Function<BatchStore.Ref, BatchExecution> executions) {
        this.store = store;
        this.owner = owner;
        this.concurrency = concurrency;
        this.leaseMillis = lease.toMillis();
        this.executions = executions;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "xaichat-gateway-batches"));
        this.runners = Executors.newFixedThreadPool(concurrency, r -> daemon(r, "xaichat-gateway-batch-run"));
    }

    void start() {
        long tick = Math.max(200, Math.min(1000, leaseMillis / 3));
        ticker.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
    }

    /** Batches this gateway runs now. */
    public int runningCount() {
        return running.size();
    }

    private void tick() {
        try {
            watchRunning();
            for (BatchStore.Ref ref : store.open()) {
                if (running.size() >= concurrency) break;
                if (running.containsKey(ref) || !store.acquireLease(ref, owner, leaseMillis)) continue;
                BatchExecution execution = executions.apply(ref);
                running.put(ref, execution);
                runners.execute(() -> {
                    try {
                        execution.run();
                    } finally {
                        running.remove(ref);
                        store.releaseLease(ref, owner);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("batch scheduling failed; retrying: {}", e.getMessage());
        }
    }

    private void watchRunning() {
        for (BatchExecution execution : running.values()) {
            BatchStore.Ref ref = execution.ref();
            if (!store.renewLease(ref, owner, leaseMillis)) {
                log.warn("batch {}: lease lost; stopping here, the new holder resumes it", ref);
                execution.stop(BatchExecution.Stop.LEASE_LOST);
                continue;
            }
            Optional<ObjectNode> batch = store.get(ref.tenant(), ref.id());
            if (batch.isEmpty()) continue;
            if (batch.get().path("status").asText().equals(BatchStatus.CANCELLING)) {
                execution.stop(BatchExecution.Stop.CANCEL);
            } else if (batch.get().hasNonNull("expires_at")
                    && Instant.now().getEpochSecond() >= batch.get().get("expires_at").asLong()) {
                execution.stop(BatchExecution.Stop.EXPIRE);
            }
        }
    }

    /** Stops the runs (their batches stay open for another gateway) and hands their leases back. */
    @Override
    public void close() {
        ticker.shutdownNow();
        running.values().forEach(e -> e.stop(BatchExecution.Stop.SHUTDOWN));
        runners.shutdown();
        try {
            runners.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
