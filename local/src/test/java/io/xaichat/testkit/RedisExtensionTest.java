package io.xaichat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

@ExtendWith(RedisExtension.class)
class RedisExtensionTest {

    @Test
    void setAndGetThroughTheSharedRedis(RedisHandle redis) {
        String key = Names.unique("cache");
        try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
            assertThat(jedis.get(key)).isNull();
            jedis.set(key, "cached result");
            assertThat(jedis.get(key)).isEqualTo("cached result");
        }
    }

    @Test
    void everyTestGetsTheSameRedis(RedisHandle first, RedisHandle second) {
        assertThat(second).isSameAs(first);
        assertThat(first.url()).startsWith("redis://");
    }
}
