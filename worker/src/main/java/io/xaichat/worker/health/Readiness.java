package io.xaichat.worker.health;

/** What {@code /readyz} asks. Implementations answer quickly: a scrape or probe waits for them. */
public interface Readiness {

    /** The resident models are loaded. */
    boolean modelsLoaded();

    /** A broker answered recently. */
    boolean brokerReachable();

    /** Every consumer loop is still running (a loop that died takes no more jobs). */
    default boolean consumersRunning() {
        return true;
    }

    /** Reported, never required: without the cache the worker computes every job, which is slower but correct. */
    default CacheState cache() {
        return CacheState.DISABLED;
    }

    enum CacheState {
        UP, DOWN, DISABLED
    }
}
