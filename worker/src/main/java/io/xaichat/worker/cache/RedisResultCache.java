package io.xaichat.worker.cache;

import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/** {@link ResultCache} on Redis (Jedis); {@code rediss://} URLs use TLS, user and password in the URL use AUTH. */
public final class RedisResultCache implements ResultCache {
    // Compare-and-delete: never release a lock that expired and was taken by another worker meanwhile.
    private static final String UNLOCK_SCRIPT =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private static final String RENEW_SCRIPT =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

    private final JedisPooled redis;
    private final Duration ttl;
    private final Duration lockTtl;
    private final CachedResultValidator validator = new CachedResultValidator(new io.xaichat.schema.SchemaValidator());

    /**
     * @param lockTtl how long a compute lock lives unless its holder renews it: a dead worker's lock frees itself
     * @param timeout connect and read timeout: short, so a dead Redis costs little per job
     */
    public RedisResultCache(URI url, Duration ttl, Duration lockTtl, Duration timeout) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(8);
        pool.setMaxWait(timeout);
        this.redis = new JedisPooled(pool, url, (int) timeout.toMillis(), (int) timeout.toMillis());
        this.ttl = ttl;
        this.lockTtl = lockTtl;
    }

    @Override
    public Optional<ResultEnvelope> get(CacheKey key) {
        return value(key, call(() -> redis.get(bytes(key))));
    }

    /** One MGET for all keys: a poll batch of cache hits costs one round trip. */
    @Override
    public List<Optional<ResultEnvelope>> getAll(List<CacheKey> keys) {
        if (keys.isEmpty()) return List.of();
        byte[][] raw = keys.stream().map(RedisResultCache::bytes).toArray(byte[][]::new);
        List<byte[]> values = call(() -> redis.mget(raw));
        List<Optional<ResultEnvelope>> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) out.add(value(keys.get(i), values.get(i)));
        return out;
    }

    // Every value read goes through the validator: a planted or corrupt entry is a miss, never an answer.
    private Optional<ResultEnvelope> value(CacheKey key, byte[] bytes) {
        return validator.check(key, bytes);
    }

    private static byte[] bytes(CacheKey key) {
        return key.value().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void put(CacheKey key, ResultEnvelope result) {
        call(() -> redis.set(bytes(key), Json.toBytes(result),
                SetParams.setParams().px(ttl.toMillis())));
    }

    @Override
    public boolean tryLock(CacheKey key, String owner) {
        return "OK".equals(call(() -> redis.set(key.lockKey(), owner, SetParams.setParams().nx().px(lockTtl.toMillis()))));
    }

    @Override
    public void renewLock(CacheKey key, String owner) {
        call(() -> redis.eval(RENEW_SCRIPT, List.of(key.lockKey()), List.of(owner, Long.toString(lockTtl.toMillis()))));
    }

    @Override
    public void unlock(CacheKey key, String owner) {
        call(() -> redis.eval(UNLOCK_SCRIPT, List.of(key.lockKey()), List.of(owner)));
    }

    @Override
    public boolean locked(CacheKey key) {
        return call(() -> redis.exists(key.lockKey()));
    }

    @Override
    public boolean ping() {
        try {
            return "PONG".equals(redis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    private static <T> T call(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (JedisException e) {
            throw new CacheUnavailableException("Redis unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
