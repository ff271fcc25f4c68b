package io.xaichat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A gateway process killed (-9) in the middle of a batch; its restart resumes the batch and answers each line once. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class GatewayCrashTest {
    private static final int LINES = 300;

    @TempDir
    Path dir;

    @Test
    void aGatewayKilledMidBatchAndRestartedFinishesItWithEveryLineAnsweredOnce(KafkaHandle kafka, RedisHandle redis)
            throws Exception {
        try (Stack stack = new Stack(kafka.bootstrapServers(), redis.url(), Names.unique("crash"), dir)) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < LINES; i++) lines.add(GatewaySdkTest.line("c-" + i, "Distinct prompt " + i, 6));
            Path input = dir.resolve("big.jsonl");
            Files.write(input, lines);
            String[] args = stack.args("crashing", "--batch-window", "4");
            String batchId;
            long before;
            try (GatewayProcess first = GatewayProcess.start(args, dir.resolve("first.log"))) {
                String url = first.awaitUrl(Duration.ofSeconds(60));
                batchId = NodeSdk.run(url, Stack.KEY_A, "start", input.toString()).get("batch").get("id").asText();
                before = awaitCompleted(url, batchId, 20);
                first.kill();
            }
            assertThat(before).as("killed mid-batch").isBetween(20L, (long) LINES - 1);

            // The same gateway restarted (same id): it waits out the dead one's lease, then resumes.
            try (GatewayProcess again = GatewayProcess.start(args, dir.resolve("second.log"))) {
                String url = again.awaitUrl(Duration.ofSeconds(60));
                JsonNode batch = awaitStatus(url, batchId, "completed", Duration.ofMinutes(4));
                assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(LINES);
                assertThat(batch.get("request_counts").get("failed").asInt()).isZero();
                String output = NodeSdk.run(url, Stack.KEY_A, "download", batch.get("output_file_id").asText())
                        .get("text").asText();
                Map<String, JsonNode> answers = GatewaySdkTest.byCustomId(output); // fails on any custom_id twice
                assertThat(answers).hasSize(LINES);
                assertThat(batch.get("error_file_id").isNull()).isTrue();
            }
        }
    }

    private static long awaitCompleted(String url, String batchId, long atLeast) throws Exception {
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until) {
            JsonNode b = NodeSdk.run(url, Stack.KEY_A, "retrieve", batchId).get("batch");
            long done = b.get("request_counts").get("completed").asLong();
            if (done >= atLeast) return done;
            Thread.sleep(50);
        }
        throw new AssertionError("batch " + batchId + " did not reach " + atLeast + " lines");
    }

    private static JsonNode awaitStatus(String url, String batchId, String status, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode b = null;
        while (System.nanoTime() < until) {
            b = NodeSdk.run(url, Stack.KEY_A, "retrieve", batchId).get("batch");
            if (b.get("status").asText().equals(status)) return b;
            Thread.sleep(500);
        }
        throw new AssertionError("batch " + batchId + " not " + status + " in time: " + b);
    }
}
