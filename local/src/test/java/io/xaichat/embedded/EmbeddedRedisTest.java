package io.xaichat.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

class EmbeddedRedisTest {

    @Test
    void stopMakesCommandsFailAndStartServesAFreshServerOnTheSamePort() {
        try (EmbeddedRedis redis = EmbeddedRedis.startDefault()) {
            String url = redis.url();
            assertThat(url).isEqualTo("redis://127.0.0.1:" + redis.port());
            try (Jedis jedis = new Jedis(URI.create(url))) {
                jedis.set("k", "v");
                assertThat(jedis.get("k")).isEqualTo("v");
            }

            redis.stop();

            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> {
                try (Jedis jedis = new Jedis(URI.create(url))) {
                    jedis.get("k");
                }
            }).isInstanceOf(JedisConnectionException.class);

            redis.start();

            assertThat(redis.url()).isEqualTo(url);
            try (Jedis jedis = new Jedis(URI.create(url))) {
                assertThat(jedis.get("k")).as("no persistence: a restarted server is empty").isNull();
                jedis.set("k", "again");
                assertThat(jedis.get("k")).isEqualTo("again");
            }
        }
    }

    @Test
    void listensOnAGivenPortOfTheLoopbackOnly() throws Exception {
        int port = FreePorts.loopback();
        try (EmbeddedRedis redis = EmbeddedRedis.onPort(port).start();
             Jedis jedis = new Jedis(URI.create(redis.url()))) {
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + port);
            assertThat(jedis.configGet("bind")).containsEntry("bind", "127.0.0.1");
            assertThat(jedis.configGet("save")).containsEntry("save", "");
            assertThat(jedis.configGet("appendonly")).containsEntry("appendonly", "no");
        }
    }

    @Test
    void closeStopsTheServerFreesThePortAndDeletesTheExtractedBinary() {
        EmbeddedRedis redis = EmbeddedRedis.startDefault();
        Path workDir = redis.workDir();
        int port = redis.port();
        assertThat(workDir).isDirectory();
        assertThat(EmbeddedKafkaBrokerTest.isFree(port)).isFalse();

        redis.close();

        assertThat(workDir).doesNotExist();
        assertThat(EmbeddedKafkaBrokerTest.isFree(port)).isTrue();
        assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
