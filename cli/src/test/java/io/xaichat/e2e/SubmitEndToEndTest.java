package io.xaichat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.cli.SubmitCommand;
import io.xaichat.cli.XaiChat;
import io.xaichat.client.ClientConfig;
import io.xaichat.client.JobTimeoutException;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ImageRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;


/** {@code xaichat submit} and the client against a real broker and a real chat worker. */
@ExtendWith(KafkaExtension.class)
class SubmitEndToEndTest {
    @TempDir
    static Path dir;
    static String prefix;
    static String bootstrap;
    static ChatWorkers workers;

    @BeforeAll
    static void startWorker(KafkaHandle kafka) {
        prefix = Names.unique("submit");
        bootstrap = kafka.bootstrapServers();
        workers = ChatWorkers.start(1, bootstrap, prefix, null, dir);
    }

    @AfterAll
    static void stopWorker() {
        if (workers != null) workers.close();
    }

    private record Run(int exit, String out, String err) {}

    private static Run xaichat(String... args) {
        return xaichatAt(bootstrap, args);
    }

    private static Run xaichatAt(String servers, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("submit", "--bootstrap-servers", servers, "--topic-prefix", prefix));
        all.addAll(List.of(args));
        int exit = XaiChat.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** The whole of stdout as one JSON document (fails if it is not exactly one). */
    private static JsonNode onlyDocument(Run run) throws Exception {
        JsonNode doc = Json.tree(run.out().getBytes(StandardCharsets.UTF_8)); // trailing tokens fail
        assertThat(doc).as(run.out()).isNotNull();
        assertThat(run.out().strip().lines().count()).as(run.out()).isEqualTo(1);
        return doc;
    }

    @Test
    void streamedChunksArriveInOrderAndAddUpToTheAnswer() throws Exception {
        Run run = xaichat("--prompt", "Say hello", "--max-tokens", "12", "--temperature", "0", "--stream", "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        // stdout: the result alone; stderr: the chunks as JSON lines (log lines, if any, are not JSON objects).
        ResultEnvelope only = Json.read(onlyDocument(run).toString().getBytes(StandardCharsets.UTF_8), ResultEnvelope.class);
        List<String> chunkLines = run.err().lines().filter(l -> l.startsWith("{\"")).toList();
        chunkLines = new ArrayList<>(chunkLines);
        chunkLines.add(run.out().strip());
        String[] lines = chunkLines.toArray(String[]::new);
        assertThat(lines.length).isGreaterThanOrEqualTo(3); // at least two chunks (one per piece) and the result
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < lines.length - 1; i++) {
            JsonNode chunk = Json.tree(lines[i].getBytes(StandardCharsets.UTF_8));
            assertThat(chunk.get("seq").asLong()).isEqualTo(i);
            assertThat(chunk.get("final").asBoolean()).isEqualTo(i == lines.length - 2);
            streamed.append(chunk.get("delta").asText());
        }
        ResultEnvelope result = Json.read(lines[lines.length - 1].getBytes(StandardCharsets.UTF_8), ResultEnvelope.class);
        assertThat(result.ok()).isTrue();
        assertThat(only).isEqualTo(result);
        assertThat(streamed.toString()).isEqualTo(result.text());

        // The plain stream prints the same text, as it arrives.
        Run plain = xaichat("--prompt", "Say hello", "--max-tokens", "12", "--temperature", "0", "--stream");
        assertThat(plain.exit()).isZero();
        assertThat(plain.out().stripTrailing()).isEqualTo(result.text().stripTrailing());
    }

    @Test
    void anErrorResultExitsOneWithItsMessageAndItsEnvelope() throws Exception {
        Run run = xaichat("--prompt", "hi", "--model", "no-such-model");
        assertThat(run.exit()).isEqualTo(SubmitCommand.EXIT_JOB_FAILED);
        assertThat(run.err()).contains("error: model_mismatch: job asks for model 'no-such-model'")
                .doesNotContain("error: error:");

        Run json = xaichat("--prompt", "hi", "--model", "no-such-model", "--json");
        assertThat(json.exit()).isEqualTo(SubmitCommand.EXIT_JOB_FAILED);
        JsonNode doc = onlyDocument(json);
        assertThat(doc.get("status").asText()).isEqualTo("error");
        assertThat(doc.at("/error/code").asText()).isEqualTo("model_mismatch");
    }

    @Test
    void aJobNobodyServesTimesOutWithExitThreeAndAJsonErrorObject() throws Exception {
        Run run = xaichat("--kind", "image", "--prompt", "a cat", "--out", dir.resolve("x.png").toString(),
                "--timeout", "1s");
        assertThat(run.exit()).isEqualTo(SubmitCommand.EXIT_TIMEOUT);
        assertThat(run.err()).contains("error: timeout: no result for job").contains("within 1s");

        Run json = xaichat("--kind", "image", "--prompt", "a cat", "--json", "--timeout", "1s");
        assertThat(json.exit()).isEqualTo(SubmitCommand.EXIT_TIMEOUT);
        JsonNode doc = onlyDocument(json);
        assertThat(doc.get("status").asText()).isEqualTo("error");
        assertThat(doc.at("/error/code").asText()).isEqualTo("timeout");
        assertThat(doc.get("job_id").asText()).isNotBlank();
        assertThat(json.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void noBrokerExitsFourWithinTheTimeoutWithAJsonErrorObjectAndNoStackTrace() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        long start = System.nanoTime();
        Run run = xaichatAt("127.0.0.1:" + port, "--prompt", "hi", "--json", "--timeout", "3s");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.exit()).as(run.err()).isEqualTo(SubmitCommand.EXIT_NO_BROKER);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        JsonNode doc = onlyDocument(run);
        assertThat(doc.at("/error/code").asText()).isEqualTo("broker_unreachable");
        assertThat(doc.at("/error/message").asText()).contains("127.0.0.1:" + port);
        assertThat(run.err()).contains("error: broker_unreachable: ").doesNotContain("\tat ")
                .doesNotContain("IllegalStateException");
    }

    @Test
    void aUsageErrorExitsTwoAndStillPrintsOneJsonDocument() throws Exception {
        Run run = xaichat("--kind", "chat", "--json");
        assertThat(run.exit()).isEqualTo(SubmitCommand.EXIT_USAGE);
        assertThat(onlyDocument(run).at("/error/code").asText()).isEqualTo("usage");
        assertThat(run.err()).contains("--prompt");
    }

    @Test
    void clientsOnTheSharedReplyTopicEachGetOnlyTheirOwnAnswers() throws Exception {
        ClientConfig shared = ClientConfig.of(bootstrap).withTopicPrefix(prefix)
                .withReplyMode(ClientConfig.ReplyMode.SHARED);
        try (XaiChatClient a = XaiChatClient.start(shared); XaiChatClient b = XaiChatClient.start(shared)) {
            assertThat(a.replyTopic()).isEqualTo(prefix + ".results").isEqualTo(b.replyTopic());
            List<CompletableFuture<ResultEnvelope>> fa = new ArrayList<>();
            List<CompletableFuture<ResultEnvelope>> fb = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fa.add(a.submit(chat("a-" + i)));
                fb.add(b.submit(chat("b-" + i)));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(fa.get(i).get(2, TimeUnit.MINUTES).jobId()).isEqualTo(fa.get(i).get().jobId());
                assertThat(fb.get(i).get(2, TimeUnit.MINUTES).ok()).isTrue();
            }
            // Each saw the other's five answers and left them alone.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> a.stats().foreignRecords() == 5 && b.stats().foreignRecords() == 5);
            assertThat(a.stats().answered()).isEqualTo(5);
        }
    }

    @Test
    void timeoutFailsTheFutureWithAJobTimeoutException() {
        try (XaiChatClient client = XaiChatClient.start(ClientConfig.of(bootstrap).withTopicPrefix(prefix))) {
            JobEnvelope job = JobEnvelope.of(Names.unique("img"), JobKind.IMAGE, null,
                    new ImageRequest("a cat", null, null, null, null, 1L, null));
            CompletableFuture<ResultEnvelope> f = client.submit(job, null, Duration.ofMillis(500));
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(JobTimeoutException.class);
            assertThat(client.stats().timedOut()).isEqualTo(1);
            assertThat(client.waiting()).isZero();
        }
    }

    private static JobEnvelope chat(String id) {
        return JobEnvelope.of(Names.unique(id), JobKind.CHAT, null,
                ChatRequest.ofPrompt("Count to three").withMaxTokens(3).withTemperature(0));
    }
}
