package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * A worker given a Redis password (AUTH through {@code REDIS_URL}) and SASL/SSL-looking Kafka properties (from a
 * file and from {@code XAICHAT_KAFKA_*} variables) uses them and never prints them, nor puts them in a result.
 */
@Tag("faults")
@ExtendWith(KafkaExtension.class)
class SecretsTest {
    static final String REDIS_PASSWORD = "redis-s3cret-4711";
    static final List<String> SECRETS = List.of(REDIS_PASSWORD, "jaas-s3cret-4711", "trust-s3cret-4711",
            "key-s3cret-4711");

    @TempDir
    Path dir;

    @Test
    void aWorkerUsesRedisAuthAndKafkaSecretsWithoutEverPrintingThem(KafkaHandle kafka) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("requirepass " + REDIS_PASSWORD).setting("save \"\"").build();
        redis.start();
        String prefix = Names.unique("secrets");
        Path kafkaConfig = Files.writeString(dir.resolve("kafka.properties"), String.join("\n",
                "security.protocol=PLAINTEXT",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" "
                        + "password=\"jaas-s3cret-4711\";",
                "ssl.truststore.password=trust-s3cret-4711"));
        try (WorkerProcess worker = WorkerProcess.chat("secretive", TinyGgufModels.qwen2(dir), dir)
                .bootstrap(kafka.bootstrapServers()).prefix(prefix)
                .redis("redis://default:" + REDIS_PASSWORD + "@127.0.0.1:" + port)
                .env("XAICHAT_KAFKA_CONFIG", kafkaConfig.toString())
                .env("XAICHAT_KAFKA_SSL_KEY_PASSWORD", "key-s3cret-4711")
                .start();
             XaiChatClient client = XaiChatClient.start(new ChildWorkers(dir, kafka.bootstrapServers(), prefix)
                     .clientConfig())) {
            worker.awaitReady(ChildWorkers.READY);
            List<ResultEnvelope> results = new ArrayList<>();
            for (String id : List.of("first", "second")) {
                results.add(client.submit(JobEnvelope.of(id, JobKind.CHAT, null,
                        ChatRequest.ofPrompt("Same question").withTemperature(0).withMaxTokens(6))).get());
            }
            // An invalid job: its error message must not leak anything either.
            results.add(client.submit(JobEnvelope.of("bad", JobKind.CHAT, null,
                    ChatRequest.ofPrompt("x").withMaxTokens(-5))).get());
            worker.terminate();
            assertThat(worker.awaitExit(Duration.ofSeconds(60))).isZero();

            assertThat(results.get(1).cached()).as("the cache works through AUTH").isTrue();
            String output = worker.output();
            String answers = results.stream().map(r -> new String(Json.toBytes(r))).reduce("", String::concat);
            for (String secret : SECRETS) {
                assertThat(output).doesNotContain(secret);
                assertThat(answers).doesNotContain(secret);
            }
            assertThat(output).contains("serving chat jobs");
        } finally {
            redis.stop();
        }
    }
}
