package io.xaichat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code xaichat local}: the whole system in one process around a command, with real broker, Redis and engine. */
class LocalCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = TinyGgufModels.qwen2(dir);
    }

    private static List<String> workerFlags() {
        return List.of("--chat-model", model.toString(), "--chat-threads", "1", "--chat-context", "256",
                "--chat-max-tokens", "8", "--partitions", "2", "--worker-id", "local-test");
    }

    private static int run(StringWriter out, StringWriter err, List<String> args) {
        var cli = XaiChat.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args.toArray(String[]::new));
    }

    /** The README's main command: the example file names real models, which the --synthetic model stands in for. */
    @Test
    void theReadmeCommandAnswersEveryLineOfTheExampleFileWithTheSyntheticModel() throws Exception {
        Path output = dir.resolve("readme-out.jsonl");
        Path errors = dir.resolve("readme-errors.jsonl");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, List.of("local", "--synthetic", "--models-dir", dir.resolve("models").toString(),
                "bulk", "../examples/prompts.jsonl", "--out", output.toString(), "--errors", errors.toString(),
                "--no-progress"));

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("every chat model name maps to synthetic-qwen2-tiny");
        assertThat(Files.readAllLines(output)).hasSize(20);
        assertThat(Files.exists(errors) ? Files.readAllLines(errors) : List.of()).as("errors file").isEmpty();
        assertThat(out.toString()).contains("succeeded 20").contains("invalid 0");
    }

    @Test
    void localBulkRunsEveryLineThroughAnEmbeddedBrokerRedisAndWorker() throws Exception {
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"custom_id\":\"c" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                    + "{\"model\":\"any\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + (i % 6) + "\"}],"
                    + "\"max_tokens\":6,\"temperature\":0}}");
        }
        Files.write(input, lines);
        Path output = dir.resolve("out.jsonl");
        List<String> args = new ArrayList<>(List.of("local"));
        args.addAll(workerFlags());
        args.addAll(List.of("bulk", input.toString(), "--out", output.toString(), "--no-progress"));

        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, args);

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("Kafka broker (in-process) at 127.0.0.1:").contains("redis-server at");
        List<JsonNode> results = new ArrayList<>();
        for (String line : Files.readAllLines(output)) results.add(Json.MAPPER.readTree(line));
        assertThat(results).hasSize(12);
        assertThat(results).allSatisfy(r -> assertThat(r.path("response").path("status_code").asInt()).isEqualTo(200));
        // Six distinct questions, each asked twice with temperature 0: the repeats can come from the cache.
        assertThat(results.stream().map(r -> r.path("custom_id").asText()).distinct()).hasSize(12);
        assertThat(out.toString()).contains("succeeded 12");
    }

    @Test
    void aMissingModelNamesTheFileAndTheDownloadCommand() {
        Path missing = dir.resolve("nowhere").resolve("model.gguf");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, List.of("local", "--chat-model", missing.toString(), "submit", "--prompt", "hi"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(missing.toAbsolutePath().toString()).contains("xaichat models pull chat");
    }

    /** The flag names the broker (it used to be ignored: only KAFKA_BOOTSTRAP_SERVERS was looked at). */
    @Test
    @ExtendWith(KafkaExtension.class)
    void aBrokerNamedByFlagIsUsedInsteadOfAnEmbeddedOne(KafkaHandle kafka) {
        List<String> args = new ArrayList<>(List.of("local"));
        args.addAll(workerFlags());
        args.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", Names.unique("localflag"),
                "submit", "--prompt", "hi", "--max-tokens", "4"));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, args);

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("local: using Kafka at " + kafka.bootstrapServers())
                .doesNotContain("Kafka broker (in-process)");
    }

    @Test
    void badWorkerSettingsAreAllReportedWithExitCode2BeforeAnythingStarts() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run(out, err, List.of("local", "--chat-threads", "-1", "--partitions", "zero", "submit",
                "--prompt", "hi"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--chat-threads (XAICHAT_CHAT_THREADS): -1 is below the minimum 0")
                .contains("--partitions (XAICHAT_TOPIC_PARTITIONS): 'zero' is not a whole number")
                .doesNotContain("Kafka broker (in-process)").doesNotContain("Exception");
    }

    @Test
    void localWorkerServesAnyKafkaClientUntilSigterm() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), XaiChat.class.getName(), "local"));
        command.addAll(workerFlags());
        command.add("worker");
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("local-worker.err").toFile()).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String bootstrap = null;
            for (String line; bootstrap == null && (line = stdout.readLine()) != null; ) {
                if (line.startsWith("bootstrap servers: ")) bootstrap = line.substring("bootstrap servers: ".length());
            }
            assertThat(bootstrap).as(Files.readString(dir.resolve("local-worker.err"))).isNotNull();

            try (XaiChatClient client = XaiChatClient.start(ClientConfig.of(bootstrap))) {
                ResultEnvelope result = client.submit(JobEnvelope.of("from-outside", JobKind.CHAT, null,
                        ChatRequest.ofPrompt("hello").withMaxTokens(4))).get(60, TimeUnit.SECONDS);
                assertThat(result.ok()).isTrue();
                assertThat(result.workerId()).isEqualTo("local-test");
            }

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }
}
