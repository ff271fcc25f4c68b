package io.xaichat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xaichat local --synthetic gateway}: broker, redis-server, worker and gateway in one process, as a user runs it. */
class LocalGatewayTest {
    @TempDir
    Path dir;

    @Test
    void servesTheLocalWorkersModelUntilTerminated() throws Exception {
        Map<String, String> env = Map.of("XAICHAT_GATEWAY_API_KEYS", "sk-local-test-1", "XAICHAT_MODELS_DIR",
                dir.resolve("models").toString(), "XAICHAT_METRICS_PORT", "0", "XAICHAT_METRICS_BIND", "127.0.0.1");
        try (GatewayProcess local = GatewayProcess.cli(List.of("local", "--synthetic", "gateway", "--port", "0",
                "--bind", "127.0.0.1"), env, dir.resolve("local.log"))) {
            String url = local.awaitUrl(Duration.ofMinutes(3));
            JsonNode models = NodeSdk.run(url, "sk-local-test-1", "models");
            assertThat(models.get("ids").toString()).isEqualTo("[\"synthetic-qwen2-tiny\"]");
            JsonNode chat = NodeSdk.run(url, "sk-local-test-1", "chat");
            assertThat(chat.get("model").asText()).isEqualTo("synthetic-qwen2-tiny");
            assertThat(chat.get("content").asText()).isNotEmpty();
            assertThat(local.terminate(Duration.ofSeconds(60))).isZero();
        }
    }
}
