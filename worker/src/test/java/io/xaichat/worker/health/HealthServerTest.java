package io.xaichat.worker.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health endpoints. Readiness is checked with a real worker on a broker of its own, which the test stops and
 * starts again: /readyz follows the broker, /healthz does not.
 */
@ExtendWith(KafkaExtension.class)
class HealthServerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return Json.tree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void readinessFollowsModelsAndBrokerWhileLivenessStaysUp(@TempDir Path dir) throws Exception {
        Path model = TinyGgufModels.qwen2(dir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
            // A short memory, so the test sees the broker's state change within a second.
            BrokerProbe probe = new BrokerProbe(admin, Duration.ofSeconds(1), Duration.ofMillis(200), Clock.systemUTC());
            WorkerReadiness readiness = new WorkerReadiness(probe);
            WorkerMetrics metrics = new WorkerMetrics();
            try (probe; HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0),
                    metrics.registry(), readiness)) {
                String base = "http://127.0.0.1:" + server.port();

                // Still loading: alive, not ready.
                assertThat(get(base + "/healthz").status()).isEqualTo(200);
                Answer loading = get(base + "/readyz");
                assertThat(loading.status()).isEqualTo(503);
                assertThat(loading.json().path("models_loaded").asBoolean()).isFalse();
                assertThat(loading.json().path("broker_reachable").asBoolean()).isTrue();

                Topics topics = new Topics(Names.unique("ready"));
                try (Worker worker = TestWorkers.start(TestWorkers.config(broker.bootstrapServers(), null,
                        topics.prefix(), "ready-w", JobKind.CHAT), metrics, TestWorkers.tinyChat(model))) {
                    readiness.started(worker);
                    Answer ready = get(base + "/readyz");
                    assertThat(ready.status()).isEqualTo(200);
                    assertThat(ready.json().path("status").asText()).isEqualTo("ready");
                    assertThat(ready.json().path("models_loaded").asBoolean()).isTrue();
                    assertThat(ready.json().path("consumers_running").asBoolean()).isTrue();
                    // No cache configured: reported, not required.
                    assertThat(ready.json().path("cache").asText()).isEqualTo("disabled");

                    broker.stop();
                    await().atMost(WAIT).until(() -> get(base + "/readyz").status() == 503);
                    Answer down = get(base + "/readyz");
                    assertThat(down.json().path("broker_reachable").asBoolean()).isFalse();
                    assertThat(down.json().path("status").asText()).isEqualTo("not_ready");
                    assertThat(get(base + "/healthz").status()).isEqualTo(200);
                    assertThat(get(base + "/metrics").status()).isEqualTo(200);

                    broker.start();
                    await().atMost(WAIT).until(() -> get(base + "/readyz").status() == 200);
                }
            }
        }
    }

    @Test
    void servesOnlyItsPathsAndReadMethods(KafkaHandle kafka) throws Exception {
        WorkerMetrics metrics = new WorkerMetrics();
        try (BrokerProbe probe = BrokerProbe.of(Admin.create(kafka.clientConfig()));
             HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), metrics.registry(),
                     new WorkerReadiness(probe))) {
            String base = "http://127.0.0.1:" + server.port();
            assertThat(get(base + "/metricsx").status()).isEqualTo(404);
            assertThat(get(base + "/healthz/extra").status()).isEqualTo(404);
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aTakenPortFailsWithAMessageThatNamesItAndTheWayOut(KafkaHandle kafka) throws Exception {
        WorkerMetrics metrics = new WorkerMetrics();
        try (BrokerProbe probe = BrokerProbe.of(Admin.create(kafka.clientConfig()));
             HealthServer first = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), metrics.registry(),
                     new WorkerReadiness(probe))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthServer.start(
                            new InetSocketAddress("127.0.0.1", first.port()), metrics.registry(), new WorkerReadiness(probe)))
                    .hasMessageContaining("127.0.0.1:" + first.port()).hasMessageContaining("--metrics-port")
                    .hasMessageContaining("--no-metrics");
        }
    }

    private static Answer get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }
}
