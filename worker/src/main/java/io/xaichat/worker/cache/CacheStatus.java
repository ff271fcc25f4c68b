package io.xaichat.worker.cache;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks whether the cache is reachable and says so in the log once per change, not once per job.
 */
public final class CacheStatus {
    private static final Logger log = LoggerFactory.getLogger(CacheStatus.class);

    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong errors = new AtomicLong();

    void succeeded() {
        if (up.compareAndSet(false, true)) {
            log.info("result cache reachable again: caching resumed");
        }
    }

    void failed(Exception e) {
        errors.incrementAndGet();
        if (up.compareAndSet(true, false)) {
            log.warn("result cache unavailable, serving jobs without it until it returns: {}", e.getMessage());
        }
    }

    public boolean up() {
        return up.get();
    }

    /** Cache operations that failed since start. */
    public long errors() {
        return errors.get();
    }
}
