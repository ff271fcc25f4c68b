package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.bulk.BulkOptions;
import io.xaichat.bulk.BulkProgress;
import io.xaichat.bulk.BulkRunner;
import io.xaichat.bulk.BulkSummary;
import io.xaichat.client.XaiChatClient;
import io.xaichat.gateway.Gateway;
import io.xaichat.gateway.config.GatewayOptions;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Figure 7: the HTTP gateway. (a) A chat request over HTTP against the same job submitted with the client library,
 * interleaved one by one on the same tiny model: the difference is what the gateway adds. (b) One batch file run
 * by {@code xaichat bulk} (the bulk runner) and as an OpenAI batch through the gateway (upload, create, poll every
 * 100 ms, download), same input, same worker, cache off so both compute every line.
 */
public final class GatewayBench {
    private static final String KEY = "sk-bench-key-0001";

    private final Cluster cluster;
    private final ResultTable table;
    private final int requests;
    private final int warmup;
    private final int batchLines;
    private final Path work;
    private final HttpClient http = HttpClient.newHttpClient();

    public GatewayBench(Cluster cluster, ResultTable table, int requests, int warmup, int batchLines, Path work) {
        this.cluster = cluster;
        this.table = table;
        this.requests = requests;
        this.warmup = warmup;
        this.batchLines = batchLines;
        this.work = work;
    }

    public void run(Path tinyModel) throws Exception {
        String prefix = cluster.prefix("gateway");
        LlamaChatEngine engine = new LlamaChatEngine(ChatEngineConfig.defaults(tinyModel).withThreads(1)
                .withContextLength(256));
        String modelId = engine.modelId();
        Worker worker = cluster.startWorker(cluster.workerConfig("gateway", prefix, 4, false, JobKind.CHAT), engine);
        Gateway gateway = Gateway.start(CommandLine.populateCommand(new GatewayOptions(), "--port", "0", "--bind",
                "127.0.0.1", "--api-keys", KEY, "--gateway-id", "bench", "--bootstrap-servers", cluster.bootstrapServers(),
                "--redis-url", cluster.redisUrl(), "--topic-prefix", prefix, "--models", "chat=" + modelId).toConfig());
        String base = "http://127.0.0.1:" + gateway.port() + "/v1";
        try (XaiChatClient client = cluster.client(prefix)) {
            overhead(base, client, modelId);
            batch(base, client);
        } finally {
            gateway.close();
            worker.close();
        }
    }

    private void overhead(String base, XaiChatClient client, String model) throws Exception {
        List<Double> viaHttp = new ArrayList<>(), viaKafka = new ArrayList<>();
        for (int i = -warmup; i < requests; i++) {
            String prompt = "gateway probe " + i + " " + System.nanoTime();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(post(base + "/chat/completions", "application/json",
                    ("{\"model\":\"" + model + "\",\"max_tokens\":1,\"temperature\":0,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"" + prompt + "\"}]}").getBytes(StandardCharsets.UTF_8)),
                    HttpResponse.BodyHandlers.ofString());
            double httpMs = (System.nanoTime() - start) / 1e6;
            if (r.statusCode() != 200) throw new IllegalStateException("gateway answered " + r.statusCode() + ": " + r.body());
            double kafkaMs = Jobs.roundTrip(client, Jobs.job(Jobs.chat(prompt + " k", 1, false), CachePolicy.BYPASS))
                    .roundTripMs();
            if (i < 0) continue;
            viaHttp.add(httpMs);
            viaKafka.add(kafkaMs);
        }
        Stats h = Stats.of(viaHttp), k = Stats.of(viaKafka);
        String setup = f("tiny model, max_tokens 1, unique prompts, cache off; %d HTTP requests (JDK HttpClient, "
                + "keep-alive) interleaved with %d client-library jobs after %d warm-up", h.count(), k.count(), warmup);
        table.add("8", "gateway overhead per chat request, ms (HTTP round trip − Kafka round trip)",
                f("%.1f", h.median() - k.median()), f("p99 %.1f (HTTP p50 %.1f / p99 %.1f; Kafka p50 %.1f / p99 %.1f)",
                        h.percentile(99) - k.percentile(99), h.median(), h.percentile(99), k.median(), k.percentile(99)),
                "–", "info", setup);
    }

    private void batch(String base, XaiChatClient client) throws Exception {
        Path input = work.resolve("gateway-batch.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < batchLines; i++) {
            lines.add("{\"custom_id\":\"b-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
                    + "\"model\":\"default\",\"max_tokens\":4,\"temperature\":0,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Batch line number " + i + "\"}]}}");
        }
        Files.write(input, lines);

        // Alternated (bulk, gateway, gateway, bulk) so a drift in machine load weighs on both alike.
        List<Double> bulkS = new ArrayList<>(), gatewayS = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            if (round == 0) bulkS.add(bulkRun(client, input, round));
            gatewayS.add(gatewayRun(base, input));
            if (round == 1) bulkS.add(bulkRun(client, input, round));
        }
        Stats b = Stats.of(bulkS), g = Stats.of(gatewayS);
        table.add("8", f("%d-line batch wall time, s: gateway (upload → completed → download) vs xaichat bulk", batchLines),
                f("%.1f vs %.1f", g.median(), b.median()), f("ratio %.2f; runs gateway %s, bulk %s", g.median() / b.median(),
                        g.range("%.1f"), b.range("%.1f")), "–", "info",
                "tiny model, max_tokens 4, distinct prompts, cache off, 4 partitions, window 64 both, 2 runs each alternated");
    }

    private double bulkRun(XaiChatClient client, Path input, int round) throws Exception {
        long start = System.nanoTime();
        BulkSummary bulk = new BulkRunner(client, BulkOptions.of(input, work.resolve("bulk-out-" + round + ".jsonl")),
                BulkProgress.NONE).run();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (bulk.succeeded() != batchLines) throw new IllegalStateException("bulk run: " + bulk.describe());
        return seconds;
    }

    /** Upload, create, poll every 100 ms until completed, download the output. */
    private double gatewayRun(String base, Path input) throws Exception {
        long start = System.nanoTime();
        JsonNode file = json(http.send(post(base + "/files", "multipart/form-data; boundary=xaichatbench",
                multipart(Files.readAllBytes(input))), HttpResponse.BodyHandlers.ofString()));
        JsonNode batch = json(http.send(post(base + "/batches", "application/json", ("{\"input_file_id\":\""
                + file.get("id").asText() + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")
                .getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString()));
        String id = batch.get("id").asText();
        while (!batch.get("status").asText().equals("completed")) {
            if (List.of("failed", "expired", "cancelled").contains(batch.get("status").asText())) {
                throw new IllegalStateException("gateway batch ended " + batch);
            }
            Thread.sleep(100);
            batch = json(http.send(get(base + "/batches/" + id), HttpResponse.BodyHandlers.ofString()));
        }
        String output = http.send(get(base + "/files/" + batch.get("output_file_id").asText() + "/content"),
                HttpResponse.BodyHandlers.ofString()).body();
        double seconds = (System.nanoTime() - start) / 1e9;
        long answered = output.lines().filter(l -> !l.isBlank()).count();
        if (answered != batchLines) throw new IllegalStateException("gateway batch output has " + answered + " lines");
        return seconds;
    }

    private HttpRequest post(String url, String contentType, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY).GET().build();
    }

    private static byte[] multipart(byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--xaichatbench\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--xaichatbench\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(content);
        out.write("\r\n--xaichatbench--\r\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        if (r.statusCode() != 200) throw new IllegalStateException("gateway answered " + r.statusCode() + ": " + r.body());
        return Json.tree(r.body().getBytes(StandardCharsets.UTF_8));
    }
}
