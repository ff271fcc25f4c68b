package io.xaichat.worker.cache;

import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.worker.engine.JobFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a job from the cache or computes it, applying the job's cache policy, and makes identical jobs in flight
 * at the same time compute once: the first takes a short-lived lock, the others wait for its value. The holder
 * renews its lock while it computes (or waits for an engine slot), so the lock of a worker that died frees itself
 * within one lease and the waiters compute. If the cache fails at any step the job is computed without it: the cache
 * may save work, never lose a job.
 */
public final class CachedCompute implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CachedCompute.class);

    /** The computation a cache miss runs. */
    @FunctionalInterface
    public interface Computation {
        ResultEnvelope compute() throws JobFailure, InterruptedException;
    }

    /** A result and whether it came from the cache. */
    public record Outcome(ResultEnvelope result, boolean fromCache) {}

    private final ResultCache cache;
    private final String owner;
    private final Duration maxWait;
    private final Duration pollInterval;
    private final CacheStatus status;
    private final Duration renewEvery;
    private final ScheduledExecutorService renewer;

    /**
     * @param owner this worker's id, written into locks it takes
     * @param maxWait how long a job waits for an identical job's value before computing itself
     */
    public CachedCompute(ResultCache cache, String owner, Duration maxWait, Duration pollInterval, CacheStatus status) {
        this(cache, owner, maxWait, pollInterval, status, null);
    }

    /** @param lockLease the cache's lock expiry; held locks are renewed three times per lease (null: never) */
    public CachedCompute(ResultCache cache, String owner, Duration maxWait, Duration pollInterval, CacheStatus status,
                         Duration lockLease) {
        this.cache = cache;
        this.owner = owner;
        this.maxWait = maxWait;
        this.pollInterval = pollInterval;
        this.status = status;
        this.renewEvery = lockLease == null ? null : lockLease.dividedBy(3);
        this.renewer = lockLease == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xaichat-cache-lock-renewer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a job with this policy is answered from the cache when its value is there. */
    public static boolean readsCache(CachePolicy policy, boolean deterministic) {
        return policy == CachePolicy.AUTO && deterministic;
    }

    /**
     * Looks up many keys at once (one round trip on Redis); a key whose value is absent, or all of them when the
     * cache is down, come back empty.
     */
    public List<Optional<ResultEnvelope>> lookupAll(List<CacheKey> keys) {
        List<Optional<ResultEnvelope>> values = attempt(() -> cache.getAll(keys));
        if (values == null) return keys.stream().map(k -> Optional.<ResultEnvelope>empty()).toList();
        return values;
    }

    public Outcome fetchOrCompute(CacheKey key, CachePolicy policy, boolean deterministic, Computation computation)
            throws JobFailure, InterruptedException {
        if (policy == CachePolicy.BYPASS || (policy == CachePolicy.AUTO && !deterministic)) {
            return new Outcome(computation.compute(), false);
        }
        if (policy == CachePolicy.REFRESH) {
            return new Outcome(computeAndStore(key, computation, false), false);
        }
        Optional<ResultEnvelope> hit = read(key);
        if (hit.isPresent()) return new Outcome(hit.get(), true);

        long waitUntil = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Boolean locked = attempt(() -> cache.tryLock(key, owner));
            if (locked == null) return new Outcome(computation.compute(), false); // cache down
            if (locked) {
                // The holder we waited for may have stored its value and unlocked between our read and our lock.
                hit = read(key);
                if (hit.isPresent()) {
                    attempt(() -> { cache.unlock(key, owner); return Boolean.TRUE; });
                    return new Outcome(hit.get(), true);
                }
                return new Outcome(computeAndStore(key, computation, true), false);
            }
            // An identical job is computing: wait for its value, or for its lock to go away (it failed or died).
            while (System.nanoTime() < waitUntil) {
                Thread.sleep(pollInterval.toMillis());
                hit = read(key);
                if (hit.isPresent()) return new Outcome(hit.get(), true);
                Boolean stillLocked = attempt(() -> cache.locked(key));
                if (stillLocked == null) return new Outcome(computation.compute(), false);
                if (!stillLocked) break;
            }
            if (System.nanoTime() >= waitUntil) {
                log.warn("waited {} for an identical job to finish; computing {} here", maxWait, key);
                return new Outcome(computeAndStore(key, computation, false), false);
            }
        }
    }

    private ResultEnvelope computeAndStore(CacheKey key, Computation computation, boolean holdsLock)
            throws JobFailure, InterruptedException {
        ScheduledFuture<?> renewal = holdsLock && renewer != null
                ? renewer.scheduleAtFixedRate(() -> attempt(() -> { cache.renewLock(key, owner); return Boolean.TRUE; }),
                        renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS)
                : null;
        try {
            ResultEnvelope result = computation.compute();
            if (result.ok()) attempt(() -> { cache.put(key, result); return Boolean.TRUE; });
            return result;
        } finally {
            if (renewal != null) renewal.cancel(false);
            if (holdsLock) attempt(() -> { cache.unlock(key, owner); return Boolean.TRUE; });
        }
    }

    private Optional<ResultEnvelope> read(CacheKey key) {
        Optional<ResultEnvelope> value = attempt(() -> cache.get(key));
        return value == null ? Optional.empty() : value;
    }

    /** Runs a cache operation; null when the cache is unavailable (already reported to {@link CacheStatus}). */
    private <T> T attempt(java.util.function.Supplier<T> op) {
        try {
            T value = op.get();
            status.succeeded();
            return value;
        } catch (CacheUnavailableException e) {
            status.failed(e);
            return null;
        }
    }

    /** Stops renewing locks (they then expire within a lease). */
    @Override
    public void close() {
        if (renewer != null) renewer.shutdownNow();
    }
}
