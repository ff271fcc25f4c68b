package io.xaichat.worker.cache;

import io.xaichat.schema.ResultEnvelope;
import java.util.Optional;

/**
 * Stores finished results by {@link CacheKey}, and a lock per key so that identical jobs in flight compute once.
 * Every method may throw {@link CacheUnavailableException}.
 */
public interface ResultCache extends AutoCloseable {

    Optional<ResultEnvelope> get(CacheKey key);

    void put(CacheKey key, ResultEnvelope result);

    /** Takes the compute lock for {@code key} unless another owner holds it; it expires by itself. */
    boolean tryLock(CacheKey key, String owner);

    /** Releases the lock only if {@code owner} still holds it. */
    void unlock(CacheKey key, String owner);

    /** Whether the lock for {@code key} is held by anyone. */
    boolean locked(CacheKey key);

    boolean ping();

    @Override
    void close();
}
