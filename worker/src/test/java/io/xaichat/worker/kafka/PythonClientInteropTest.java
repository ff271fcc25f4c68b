package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client nobody here wrote: Debian's python3-confluent-kafka (librdkafka) submits a Spring-style job (headers, no
 * reply_to, streamed) and a body-addressed one, and reads the answers. Skipped only where the module is missing and
 * XAICHAT_REQUIRE_INTEROP is unset; CI (.ci/run) installs the package and sets it, so there a missing client fails.
 */
@ExtendWith(KafkaExtension.class)
class PythonClientInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void aConfluentKafkaPythonClientGetsItsAnswersByHeadersAndByBody(KafkaHandle kafka) throws Exception {
        requireClient();
        Topics topics = new Topics(Names.unique("py"));
        String replies = topics.prefix() + ".replies.py";
        String chunks = topics.prefix() + ".replies.py-stream"; // stream topics obey the reply allow-list too
        kafka.createTopic(replies, 1);
        kafka.createTopic(chunks, 1);
        Path script = dir.resolve("python_client.py");
        try (var in = getClass().getResourceAsStream("/interop/python_client.py")) {
            Files.copy(in, script);
        }
        Map<String, JsonNode> byJob = new HashMap<>();
        try (Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), null, topics.prefix(), "py-w",
                JobKind.CHAT), TestWorkers.tinyChat(TinyGgufModels.qwen2(dir)))) {
            Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), kafka.bootstrapServers(),
                    topics.jobs(JobKind.CHAT), replies, chunks).redirectError(dir.resolve("py.err").toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("py.err"))).isZero();
            for (String line : out.strip().split("\n")) {
                JsonNode n = Json.tree(line.getBytes(StandardCharsets.UTF_8));
                byJob.put(n.get("job_id").asText(), n);
            }
        }

        JsonNode headers = byJob.get("py-headers");
        assertThat(headers.at("/result/result/status").asText()).as(headers.toString()).isEqualTo("ok");
        assertThat(headers.at("/result/topic").asText()).isEqualTo(replies);
        String correlation = headers.get("correlation_sent").asText();
        assertThat(headers.at("/result/headers/kafka_correlationId").asText()).isEqualTo(correlation);
        assertThat(headers.get("chunks").size()).isGreaterThan(1);
        StringBuilder text = new StringBuilder();
        for (JsonNode c : headers.get("chunks")) {
            assertThat(c.get("topic").asText()).isEqualTo(chunks);
            assertThat(c.at("/headers/xaichat_correlation_id").asText()).isEqualTo(correlation);
            assertThat(c.get("headers").has("kafka_correlationId")).isFalse();
            text.append(c.at("/chunk/delta").asText());
        }
        assertThat(text.toString()).isEqualTo(headers.at("/result/result/output").asText());

        JsonNode body = byJob.get("py-body");
        assertThat(body.at("/result/result/status").asText()).as(body.toString()).isEqualTo("ok");
        assertThat(body.at("/result/topic").asText()).isEqualTo(replies);
        assertThat(body.at("/result/headers/kafka_correlationId").asText()).isEqualTo("py-body"); // the job id
        assertThat(body.get("chunks")).isEmpty();
    }

    private static void requireClient() throws Exception {
        boolean present = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka").start().waitFor() == 0;
        if (!present && System.getenv("XAICHAT_REQUIRE_INTEROP") != null) {
            throw new AssertionError("XAICHAT_REQUIRE_INTEROP is set but /usr/bin/python3 cannot import confluent_kafka "
                    + "(apt-get install python3-confluent-kafka)");
        }
        Assumptions.assumeTrue(present, "python3-confluent-kafka is not installed (apt-get install python3-confluent-kafka)");
    }
}
