package io.xaichat.worker.cache;

import io.xaichat.schema.ResultEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stores finished results by {@link CacheKey}, and a lock per key so that identical jobs in flight compute once.
 * Every method may throw {@link CacheUnavailableException}.
 */
public interface ResultCache extends AutoCloseable {

    Optional<ResultEnvelope> get(CacheKey key);

    /** The values of {@code keys} in order, in as few round trips as the store allows. */
    default List<Optional<ResultEnvelope>> getAll(List<CacheKey> keys) {
        List<Optional<ResultEnvelope>> out = new ArrayList<>(keys.size());
        for (CacheKey key : keys) out.add(get(key));
        return out;
    }

    void put(CacheKey key, ResultEnvelope result);

    /** Takes the compute lock for {@code key} unless another owner holds it; it expires by itself. */
    boolean tryLock(CacheKey key, String owner);

    /** Extends the lock's expiry by its full lease if {@code owner} still holds it (the holder is alive). */
    void renewLock(CacheKey key, String owner);

    /** Releases the lock only if {@code owner} still holds it. */
    void unlock(CacheKey key, String owner);

    /** Whether the lock for {@code key} is held by anyone. */
    boolean locked(CacheKey key);

    boolean ping();

    @Override
    void close();
}
