package io.xaichat.testkit;

import io.xaichat.embedded.EmbeddedRedis;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Injects a {@link RedisHandle} for the one Redis all tests in this JVM share: a {@code redis:7-alpine} container
 * when Docker is available; else the server named by the {@code REDIS_URL} environment variable; else an
 * {@link EmbeddedRedis}. Tests use {@link Names#unique} keys or prefixes; fault tests create their own
 * {@link EmbeddedRedis}.
 */
public final class RedisExtension extends SharedServerExtension<RedisHandle> {

    static final DockerImageName IMAGE = DockerImageName.parse("redis:7-alpine");
    static final String URL_VARIABLE = "REDIS_URL";
    private static final int REDIS_PORT = 6379;

    public RedisExtension() {
        super(RedisHandle.class);
    }

    /** The shared Redis, for extensions and lifecycle methods that cannot take parameters. */
    public static RedisHandle shared(ExtensionContext context) {
        return new RedisExtension().handle(context);
    }

    @Override
    RedisHandle startServer() {
        if (Docker.available()) {
            GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(REDIS_PORT);
            container.start();
            String url = "redis://" + container.getHost() + ":" + container.getMappedPort(REDIS_PORT);
            return RedisHandle.external(url, container);
        }
        String configured = System.getenv(URL_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return RedisHandle.external(configured.trim(), null);
        }
        return RedisHandle.owning(EmbeddedRedis.startDefault());
    }
}
