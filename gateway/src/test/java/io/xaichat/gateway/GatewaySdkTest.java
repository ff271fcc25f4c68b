package io.xaichat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway driven by the official OpenAI Node SDK: gateway → Kafka (in-JVM broker) → a real worker with tiny
 * generated models → gateway, with files and batches in a real redis-server.
 */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class GatewaySdkTest {
    @TempDir
    static Path dir;
    static Stack stack;
    static Gateway gateway;
    static Gateway second;
    static String url;

    @BeforeAll
    static void start(KafkaHandle kafka, RedisHandle redis) throws Exception {
        NodeSdk.install();
        stack = new Stack(kafka.bootstrapServers(), redis.url(), Names.unique("gw"), dir);
        gateway = stack.gateway("gw-1", "--max-body-bytes", "262144");
        second = stack.gateway("gw-2");
        url = Stack.url(gateway);
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
    }

    @Test
    void listsTheServedModels() throws Exception {
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "models");
        List<String> ids = new ArrayList<>();
        r.get("ids").forEach(id -> ids.add(id.asText()));
        assertThat(ids).contains("tiny-qwen2-vl", "tiny-lcm").hasSize(3);
    }

    @Test
    void answersAChatCompletion() throws Exception {
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "chat");
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("role").asText()).isEqualTo("assistant");
        assertThat(r.get("content").asText()).isNotEmpty();
        assertThat(r.get("finish_reason").asText()).isIn("stop", "length");
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isPositive();
        assertThat(r.get("usage").get("completion_tokens").asInt()).isBetween(1, 6);
        assertThat(r.get("model").asText()).startsWith(stack.models.substring(5, stack.models.indexOf(',')));
    }

    @Test
    void streamsAChatCompletionWithUsageInTheLastEvent() throws Exception {
        JsonNode plain = NodeSdk.run(url, Stack.KEY_A, "chat");
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "stream");
        assertThat(r.get("events").asInt()).isGreaterThanOrEqualTo(3); // role, content..., finish, usage
        assertThat(r.get("content").asText()).as("greedy: the same text streamed").isEqualTo(plain.get("content").asText())
                .isNotEmpty();
        assertThat(r.get("finish_reason").asText()).isIn("stop", "length");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isPositive();
        assertThat(r.get("model").asText()).isEqualTo(plain.get("model").asText());
        assertThat(r.get("usage").get("total_tokens").asInt()).isEqualTo(
                r.get("usage").get("prompt_tokens").asInt() + r.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void answersAVisionRequestWithAnInlineImage() throws Exception {
        BufferedImage img = new BufferedImage(56, 42, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 56; x++) for (int y = 0; y < 42; y++) img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 90);
        Path png = dir.resolve("pic.png");
        ImageIO.write(img, "png", png.toFile());
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "vision", png.toString());
        assertThat(r.get("model").asText()).isEqualTo("tiny-qwen2-vl");
        assertThat(r.get("content").isTextual()).isTrue();
        assertThat(r.get("usage").get("prompt_tokens").asInt()).as("question + image tokens").isGreaterThan(10);
    }

    @Test
    void generatesAnImageAsBase64Png() throws Exception {
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "image");
        assertThat(r.get("count").asInt()).isEqualTo(1);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(r.get("b64_json").asText())));
        assertThat(png.getWidth()).isEqualTo(64);
        assertThat(png.getHeight()).isEqualTo(64);
    }

    @Test
    void runsABatchToCompletedWithOutputAndErrorFilesVisibleOnEveryGateway() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int maxTokens = i == 7 ? 5000 : 4; // line 8 asks for more than the worker allows: an errors-file line
            lines.add(line("req-" + i, "Count to " + i, maxTokens));
        }
        Path input = dir.resolve("batch.jsonl");
        Files.write(input, lines);

        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "batch", input.toString(), "100");
        JsonNode batch = r.get("batch");
        assertThat(batch.get("status").asText()).as(batch.toString()).isEqualTo("completed");
        assertThat(r.get("statuses").get(0).asText()).isEqualTo("validating");
        assertThat(batch.get("request_counts").get("total").asInt()).isEqualTo(12);
        assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(11);
        assertThat(batch.get("request_counts").get("failed").asInt()).isEqualTo(1);
        assertThat(batch.get("metadata").get("test").asText()).isEqualTo("sdk");
        for (String f : List.of("in_progress_at", "finalizing_at", "completed_at")) {
            assertThat(batch.get(f).asLong()).as(f).isGreaterThanOrEqualTo(batch.get("created_at").asLong());
        }
        Map<String, JsonNode> output = byCustomId(r.get("output").asText());
        assertThat(output).hasSize(11).doesNotContainKey("req-7");
        JsonNode answer = output.get("req-3");
        assertThat(answer.get("response").get("status_code").asInt()).isEqualTo(200);
        assertThat(answer.get("response").get("body").get("object").asText()).isEqualTo("chat.completion");
        Map<String, JsonNode> errors = byCustomId(r.get("errors").asText());
        assertThat(errors).containsOnlyKeys("req-7");
        assertThat(errors.get("req-7").get("error").get("code").asText()).isEqualTo("invalid_request");
        assertThat(r.get("listed").toString()).contains(batch.get("id").asText());

        // Another gateway on the same Redis sees the batch and serves its files.
        JsonNode elsewhere = NodeSdk.run(Stack.url(second), Stack.KEY_A, "retrieve", batch.get("id").asText());
        assertThat(elsewhere.get("batch").get("status").asText()).isEqualTo("completed");
        JsonNode text = NodeSdk.run(Stack.url(second), Stack.KEY_A, "download", batch.get("output_file_id").asText());
        assertThat(text.get("text").asText()).isEqualTo(r.get("output").asText());

        // Another tenant gets a 404 for it, as for a batch that does not exist.
        JsonNode foreign = NodeSdk.run(url, Stack.KEY_B, "retrieve", batch.get("id").asText());
        assertThat(foreign.get("ok").asBoolean()).isFalse();
        assertThat(foreign.get("status").asInt()).isEqualTo(404);
        JsonNode missing = NodeSdk.run(url, Stack.KEY_A, "retrieve", "batch_doesnotexist");
        assertThat(missing.get("status").asInt()).isEqualTo(404);
        JsonNode foreignFile = NodeSdk.run(url, Stack.KEY_B, "fileOf", batch.get("output_file_id").asText());
        assertThat(foreignFile.get("meta").get("status").asInt()).isEqualTo(404);
        assertThat(foreignFile.get("content").get("status").asInt()).isEqualTo(404);
        JsonNode ownFile = NodeSdk.run(url, Stack.KEY_A, "fileOf", batch.get("output_file_id").asText());
        assertThat(ownFile.get("meta").get("ok").asBoolean()).isTrue();
    }

    @Test
    void aBatchWithAnInvalidLineFailsValidationNamingTheLine() throws Exception {
        Path input = dir.resolve("invalid.jsonl");
        Files.write(input, List.of(line("a", "hi", 4), "{\"custom_id\": \"b\", \"method\": \"POST\"", line("a", "again", 4)));
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "batch", input.toString(), "100");
        JsonNode batch = r.get("batch");
        assertThat(batch.get("status").asText()).isEqualTo("failed");
        List<String> codes = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        batch.get("errors").get("data").forEach(e -> {
            codes.add(e.get("code").asText());
            at.add(e.get("line").asInt());
        });
        assertThat(codes).containsExactly("invalid_json", "duplicate_custom_id");
        assertThat(at).containsExactly(2, 3);
    }

    @Test
    void aWrongKeyIs401AndAnUnknownModel404() throws Exception {
        JsonNode r = NodeSdk.run(url, "sk-wrong-key-000", "unauthorized");
        assertThat(r.get("chat").get("status").asInt()).isEqualTo(401);
        assertThat(r.get("chat").get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(r.get("models").get("status").asInt()).isEqualTo(401);
        JsonNode unknown = NodeSdk.run(url, Stack.KEY_A, "unknownModel");
        assertThat(unknown.get("status").asInt()).isEqualTo(404);
        assertThat(unknown.get("code").asText()).isEqualTo("model_not_found");
        assertThat(unknown.get("message").asText()).contains("tiny-lcm");
    }

    @Test
    void aCancelledBatchEndsCancelledWithTheLinesSettledSoFar() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) lines.add(line("x-" + i, "Cancel me " + i, 6));
        Path input = dir.resolve("cancel.jsonl");
        Files.write(input, lines);
        JsonNode r = NodeSdk.run(url, Stack.KEY_B, "cancel", input.toString());
        assertThat(r.get("cancelling").asText()).isEqualTo("cancelling");
        JsonNode batch = r.get("batch");
        assertThat(batch.get("status").asText()).as(batch.toString()).isEqualTo("cancelled");
        assertThat(batch.get("cancelled_at").asLong()).isPositive();
        int done = batch.get("request_counts").get("completed").asInt();
        assertThat(done).isLessThan(400);
        if (done > 0) {
            String out = NodeSdk.run(url, Stack.KEY_B, "download", batch.get("output_file_id").asText()).get("text").asText();
            assertThat(byCustomId(out)).hasSize(done);
        }
        assertThat(r.get("again").get("status").asInt()).isEqualTo(409);
    }

    @Test
    void aBodyOverTheLimitIs413InOpenAisErrorShape() throws Exception {
        JsonNode r = NodeSdk.run(url, Stack.KEY_A, "tooLarge", "300000");
        assertThat(r.get("status").asInt()).isEqualTo(413);
        assertThat(r.get("code").asText()).isEqualTo("request_too_large");
        assertThat(r.get("message").asText()).contains("XAICHAT_GATEWAY_MAX_BODY_BYTES");
    }

    static String line(String customId, String prompt, int maxTokens) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
                + "\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],"
                + "\"max_tokens\":" + maxTokens + ",\"temperature\":0}}";
    }

    static Map<String, JsonNode> byCustomId(String jsonl) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (String l : jsonl.split("\n")) {
            if (l.isBlank()) continue;
            JsonNode t = Json.tree(l.getBytes(StandardCharsets.UTF_8));
            assertThat(out.put(t.get("custom_id").asText(), t)).as("custom_id " + t.get("custom_id") + " twice").isNull();
        }
        return out;
    }
}
