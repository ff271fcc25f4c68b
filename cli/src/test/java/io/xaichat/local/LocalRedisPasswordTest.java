package io.xaichat.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.JobKind;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.kafka.JobListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;

/** Local mode's redis-server requires a random password, which the worker uses and nothing prints. */
@ExtendWith(KafkaExtension.class)
class LocalRedisPasswordTest {
    @TempDir
    Path dir;

    @Test
    void localModeStartsRedisWithARandomPassword(KafkaHandle kafka) {
        StringWriter status = new StringWriter();
        String prefix = Names.unique("local-redis");
        try (LocalServices local = new LocalServices(kafka.bootstrapServers(), null, 0, 0, null,
                (bootstrap, redis) -> new Worker(TestWorkers.config(bootstrap, redis, prefix, "w-local", JobKind.CHAT),
                        List.of(TestWorkers.tinyChat(TinyGgufModels.qwen2(dir))), JobListener.NONE),
                new PrintWriter(status))) {
            URI url = URI.create(local.redisUrl());
            assertThat(local.redisUrl()).matches("redis://:[0-9a-f]{32}@127\\.0\\.0\\.1:\\d+");
            String password = url.getUserInfo().substring(1);
            try (JedisPooled anonymous = new JedisPooled("127.0.0.1", url.getPort())) {
                assertThatThrownBy(anonymous::ping).isInstanceOf(JedisDataException.class).hasMessageContaining("NOAUTH");
            }
            try (JedisPooled authed = new JedisPooled(url)) {
                assertThat(authed.ping()).isEqualTo("PONG");
            }
            assertThat(local.worker().cacheStatus().up()).isTrue();
            assertThat(status.toString()).contains("random password").doesNotContain(password);
        }
    }
}
