package io.xaichat.testkit;

import io.xaichat.embedded.EmbeddedRedis;

/**
 * A test's view of a Redis server: its URL, and stop/start for an {@link EmbeddedRedis} the test owns.
 * {@link RedisExtension} injects the server shared by all tests in the JVM; do not stop that one.
 */
public final class RedisHandle implements AutoCloseable {

    private final String url;
    private final EmbeddedRedis embedded;
    private final AutoCloseable owned;

    private RedisHandle(String url, EmbeddedRedis embedded, AutoCloseable owned) {
        this.url = url;
        this.embedded = embedded;
        this.owned = owned;
    }

    /** Wraps a Redis the caller owns: closing the handle leaves it running. */
    public static RedisHandle of(EmbeddedRedis redis) {
        return new RedisHandle(redis.url(), redis, null);
    }

    static RedisHandle owning(EmbeddedRedis redis) {
        return new RedisHandle(redis.url(), redis, redis);
    }

    /** A Redis outside this JVM; {@code resource} (a container, or null for an external server) is closed with us. */
    static RedisHandle external(String url, AutoCloseable resource) {
        return new RedisHandle(url, null, resource);
    }

    /** {@code redis://HOST:PORT}. */
    public String url() {
        return url;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Ends the server process; only for a Redis the test owns. */
    public void stop() {
        embedded().stop();
    }

    /** Starts a fresh, empty server on the same port. */
    public void start() {
        embedded().start();
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }

    private EmbeddedRedis embedded() {
        if (embedded == null) {
            throw new UnsupportedOperationException("Redis " + url
                    + " is not embedded; stop/start work only on an EmbeddedRedis");
        }
        return embedded;
    }
}
