package io.xaichat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.bulk.BulkOptions;
import io.xaichat.bulk.BulkProgress;
import io.xaichat.bulk.BulkRunner;
import io.xaichat.bulk.BulkSummary;
import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.Json;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bulk generation through a real broker and two real chat workers in one consumer group. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class BulkEndToEndTest {
    private static final int REQUESTS = 220;
    private static final int DISTINCT_PROMPTS = 40;

    @TempDir
    Path dir;

    @Test
    void interruptedRunIsCompletedByARerunWithEveryCustomIdAnsweredOnce(KafkaHandle kafka, RedisHandle redis)
            throws Exception {
        String prefix = Names.unique("bulk");
        Path input = dir.resolve("in.jsonl");
        Path output = dir.resolve("out.jsonl");
        Path errors = dir.resolve("errors.jsonl");
        Map<String, Integer> invalidLines = writeInput(input);

        try (ChatWorkers workers = ChatWorkers.start(2, kafka.bootstrapServers(), prefix, redis.url(), dir)) {
            workers.awaitAllAssigned(kafka.admin(), prefix + ".workers.chat");
            // Run 1, interrupted once 60 answers are written.
            ExecutorService exec = Executors.newSingleThreadExecutor();
            BulkSummary first;
            try (XaiChatClient client = XaiChatClient.start(config(kafka, prefix))) {
                BulkRunner runner = new BulkRunner(client, options(input, output, errors), BulkProgress.NONE);
                Future<BulkSummary> run = exec.submit(runner::run);
                long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (lineCount(output) < 60 && System.nanoTime() < until && !run.isDone()) Thread.sleep(20);
                exec.shutdownNow(); // interrupts the runner
                first = run.get(30, TimeUnit.SECONDS);
            }
            assertThat(first.interrupted()).isTrue();
            List<String> afterFirst = Files.readAllLines(output);
            assertThat(afterFirst.size()).isBetween(60, REQUESTS - 1);
            // A run killed while writing leaves a torn last line.
            Files.writeString(output, "{\"id\":\"batch_req_torn\",\"custom_id\":\"req-2", StandardOpenOption.APPEND);

            // Run 2 completes the rest.
            BulkSummary second;
            try (XaiChatClient client = XaiChatClient.start(config(kafka, prefix))) {
                second = new BulkRunner(client, options(input, output, errors), BulkProgress.NONE).run();
            }
            assertThat(second.interrupted()).isFalse();
            assertThat(second.skipped()).isEqualTo(afterFirst.size());
            assertThat(second.succeeded()).isEqualTo(REQUESTS - afterFirst.size());
            assertThat(second.failed()).isZero();
            assertThat(second.invalid()).isEqualTo(invalidLines.size());
            assertThat(second.cached()).isPositive(); // repeated prompts are answered from the result cache
            assertThat(second.completionTokens()).isPositive();

            List<String> lines = Files.readAllLines(output);
            assertThat(lines.subList(0, afterFirst.size())).isEqualTo(afterFirst); // finished lines untouched
            Map<String, Integer> perCustomId = new HashMap<>();
            Set<String> workerIds = new HashSet<>();
            for (String line : lines) {
                JsonNode tree = Json.tree(line.getBytes(StandardCharsets.UTF_8));
                perCustomId.merge(tree.get("custom_id").asText(), 1, Integer::sum);
                JsonNode body = tree.get("response").get("body");
                assertThat(tree.get("response").get("status_code").asInt()).isEqualTo(200);
                assertThat(body.get("object").asText()).isEqualTo("chat.completion");
                assertThat(body.get("choices").get(0).get("message").get("content").isTextual()).isTrue();
                workerIds.add(body.get("xaichat").get("worker_id").asText());
            }
            assertThat(perCustomId).hasSize(REQUESTS);
            assertThat(perCustomId.values()).containsOnly(1);
            assertThat(workerIds).containsExactlyInAnyOrder("worker-0", "worker-1");

            Map<Integer, String> reported = new HashMap<>();
            for (String line : Files.readAllLines(errors)) {
                JsonNode tree = Json.tree(line.getBytes(StandardCharsets.UTF_8));
                assertThat(tree.get("id").asText()).startsWith("batch_req_");
                if (tree.has("warnings")) { // gpt-4o-mini is no model here: said on every OpenAI line
                    assertThat(tree.at("/warnings/0/code").asText()).isEqualTo("model_substituted");
                    continue;
                }
                reported.put(tree.get("line").asInt(), tree.get("error").get("code").asText());
            }
            assertThat(second.warnings()).containsOnlyKeys("body.model");
            Map<Integer, String> expected = new HashMap<>();
            invalidLines.forEach((code, line) -> expected.put(line, code));
            assertThat(reported).isEqualTo(expected);
        }
    }

    /**
     * The golden OpenAI Batch file through a real worker: every line the golden expectation maps is answered, every
     * line it refuses is in the errors file with its code and id (checked before sending, against the worker's
     * advert), and every warning is in the errors file and counted per field in the summary.
     */
    @Test
    void theGoldenOpenAiFileIsAnsweredWithTheExpectedErrorsAndWarnings(KafkaHandle kafka) throws Exception {
        String prefix = Names.unique("golden");
        Path output = dir.resolve("golden-out.jsonl");
        Path errors = dir.resolve("golden-errors.jsonl");
        Map<String, JsonNode> expected = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("../client/src/test/resources/bulk/openai-golden.expected.jsonl"))) {
            JsonNode n = Json.tree(line.getBytes(StandardCharsets.UTF_8));
            expected.put(n.get("custom_id").asText(), n);
        }
        BulkSummary summary;
        try (ChatWorkers workers = ChatWorkers.start(1, kafka.bootstrapServers(), prefix, null, dir);
             XaiChatClient client = XaiChatClient.start(config(kafka, prefix))) {
            BulkOptions options = BulkOptions.of(Path.of("../client/src/test/resources/bulk/openai-golden.jsonl"), output)
                    .withErrors(errors).withWindow(8).withTimeout(Duration.ofMinutes(3))
                    .withModelMap(Map.of("gpt-4o-mini", "tiny-qwen2-f16"));
            summary = new BulkRunner(client, options, BulkProgress.NONE).run();
        }
        long refused = expected.values().stream().filter(n -> n.has("error")).count();
        assertThat(summary.invalid()).isEqualTo(refused);
        assertThat(summary.failed()).isZero();
        assertThat(summary.succeeded()).isEqualTo(expected.size() - refused);

        Set<String> answered = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (String line : Files.readAllLines(output)) {
            JsonNode tree = Json.tree(line.getBytes(StandardCharsets.UTF_8));
            answered.add(tree.get("custom_id").asText());
            ids.add(tree.get("id").asText());
            assertThat(tree.at("/response/status_code").asInt()).isEqualTo(200);
            if (!tree.get("custom_id").asText().startsWith("g30") && !tree.get("custom_id").asText().startsWith("g31")) {
                assertThat(tree.at("/response/body/model").asText()).isEqualTo("tiny-qwen2-f16");
            }
        }
        assertThat(ids).hasSize(answered.size()).allMatch(id -> id.startsWith("batch_req_"));
        assertThat(answered).containsExactlyInAnyOrderElementsOf(expected.values().stream()
                .filter(n -> !n.has("error")).map(n -> n.get("custom_id").asText()).toList());

        Map<String, Long> warningsPerField = new HashMap<>();
        Set<String> refusedSeen = new HashSet<>();
        for (String line : Files.readAllLines(errors)) {
            JsonNode tree = Json.tree(line.getBytes(StandardCharsets.UTF_8));
            JsonNode want = expected.get(tree.get("custom_id").asText());
            assertThat(tree.get("id").asText()).startsWith("batch_req_");
            if (tree.has("warnings")) {
                List<String> params = new ArrayList<>();
                tree.get("warnings").forEach(w -> params.add(w.get("param").asText()));
                List<String> wanted = new ArrayList<>();
                want.get("warnings").forEach(w -> wanted.add(w.get("param").asText()));
                assertThat(params).isEqualTo(wanted);
                params.forEach(p -> warningsPerField.merge(p, 1L, Long::sum));
            } else {
                assertThat(tree.at("/error/code").asText()).isEqualTo(want.at("/error/code").asText());
                assertThat(tree.at("/error/message").asText()).contains(want.at("/error/message").asText());
                refusedSeen.add(tree.get("custom_id").asText());
            }
        }
        assertThat(refusedSeen).hasSize((int) refused);
        assertThat(summary.warnings()).isEqualTo(warningsPerField).containsEntry("body.user", 1L)
                .containsEntry("body.seed", 2L);
        assertThat(summary.describe()).contains("body.user 1");
    }

    private static ClientConfig config(KafkaHandle kafka, String prefix) {
        return ClientConfig.of(kafka.bootstrapServers()).withTopicPrefix(prefix).withReplyPartitions(2);
    }

    private static BulkOptions options(Path input, Path output, Path errors) {
        return BulkOptions.of(input, output).withErrors(errors).withWindow(8).withTimeout(Duration.ofMinutes(2));
    }

    /** Writes the requests (both formats) with four invalid lines; returns the invalid lines' code → line number. */
    private static Map<String, Integer> writeInput(Path input) throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, Integer> invalid = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            String prompt = "Tell me about number " + (i % DISTINCT_PROMPTS);
            if (i % 5 == 0) {
                lines.add("{\"custom_id\":\"req-" + i + "\",\"kind\":\"chat\",\"request\":{\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"" + prompt + "\"}],\"max_tokens\":4,\"temperature\":0}}");
            } else {
                lines.add("{\"custom_id\":\"req-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                        + "\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + prompt + "\"}],\"max_tokens\":4,\"temperature\":0}}");
            }
            if (i == 10) {
                lines.add("{\"custom_id\": \"broken\", ");
                invalid.put("invalid_json", lines.size());
            } else if (i == 50) {
                lines.add("{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}");
                invalid.put("missing_custom_id", lines.size());
            } else if (i == 120) {
                lines.add(lines.get(lines.size() - 2).replace("req-119", "req-3"));
                invalid.put("duplicate_custom_id", lines.size());
            } else if (i == 200) {
                lines.add("{\"custom_id\":\"emb\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}");
                invalid.put("unsupported_url", lines.size());
            } else if (i == 150) {
                lines.add("   ");
            }
        }
        Files.write(input, lines);
        return invalid;
    }

    private static long lineCount(Path file) throws Exception {
        if (!Files.exists(file)) return 0;
        try (var s = Files.lines(file)) {
            return s.count();
        }
    }
}
