package io.xaichat.testkit;

import io.xaichat.embedded.EmbeddedRedis;

/**
 * A test's view of a Redis server: its URL, plus stop/start for an {@link EmbeddedRedis} the test owns.
 * {@link RedisExtension} injects the server shared by all tests in the JVM; do not stop that one.
 */
public final class RedisHandle extends ServerHandle {

    private RedisHandle(String url, EmbeddedRedis embedded, AutoCloseable owned) {
        super(url, embedded, owned);
    }

    /** Wraps a Redis the caller owns: closing the handle leaves it running. */
    public static RedisHandle of(EmbeddedRedis redis) {
        return new RedisHandle(redis.url(), redis, null);
    }

    static RedisHandle owning(EmbeddedRedis redis) {
        return new RedisHandle(redis.url(), redis, redis);
    }

    /** A Redis outside this JVM; {@code resource} (a container, or null) is closed with the handle. */
    static RedisHandle external(String url, AutoCloseable resource) {
        return new RedisHandle(url, null, resource);
    }

    /** {@code redis://HOST:PORT}. */
    public String url() {
        return address();
    }
}
