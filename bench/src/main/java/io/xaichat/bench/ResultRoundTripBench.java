package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ImageRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Timings;
import io.xaichat.schema.Usage;
import io.xaichat.worker.image.PngEncoder;
import io.xaichat.worker.kafka.KafkaClients;
import io.xaichat.worker.kafka.PublishException;
import io.xaichat.worker.kafka.ReplyAddress;
import io.xaichat.worker.kafka.ReplyPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Figure 6, last part: the Kafka leg of an image result of about 500 KB. The worker's own {@link ReplyPublisher}
 * (with the worker's producer settings) publishes a result carrying a 512×512 PNG as base64 to a waiting
 * {@link XaiChatClient}; the time runs from publish (serialization included) to the client's completed future
 * (deserialization included). The job itself goes to a topic no worker reads, so nothing else is measured.
 */
public final class ResultRoundTripBench {
    private final Cluster cluster;
    private final ResultTable table;
    private final int repeats;

    public ResultRoundTripBench(Cluster cluster, ResultTable table, int repeats) {
        this.cluster = cluster;
        this.table = table;
        this.repeats = repeats;
    }

    public void run() throws Exception {
        String prefix = cluster.prefix("bigresult");
        byte[] png = PngEncoder.encode(SyntheticImages.photoLike(512, 512, 7));
        ObjectNode output = Json.MAPPER.createObjectNode().put("png_base64", Base64.getEncoder().encodeToString(png))
                .put("width", 512).put("height", 512);
        KafkaClients clients = new KafkaClients(cluster.workerConfig("bigresult", prefix, 1, false, JobKind.IMAGE));
        List<Double> ms = new ArrayList<>();
        int recordBytes = 0;
        // No worker reads the job topic, but it must exist: brokers here do not create topics on demand.
        try (org.apache.kafka.clients.admin.Admin admin = clients.admin()) {
            new io.xaichat.worker.kafka.TopicProvisioner(admin).ensure(List.of(prefix + ".jobs.image"), 1, (short) 1);
        }
        try (XaiChatClient client = cluster.client(prefix);
             ReplyPublisher publisher = new ReplyPublisher(clients.replyProducer(), "bench", prefix + ".jobs.dlq",
                     Duration.ofSeconds(30))) {
            for (int i = -3; i < repeats; i++) {
                String id = "big-" + UUID.randomUUID();
                CompletableFuture<ResultEnvelope> answer = client.submit(JobEnvelope.of(id, JobKind.IMAGE, null,
                        new ImageRequest("a red fox", 1, 512, 512, null, 1L, null)));
                ResultEnvelope result = new ResultEnvelope(id, ResultStatus.OK, JobKind.IMAGE, output,
                        new Usage(4, 0), new Timings(0, 0, 0), false, "bench", "lcm", null, null);
                recordBytes = Json.toBytes(result).length;
                long start = System.nanoTime();
                publish(publisher, client.replyTopic(), id, result);
                ResultEnvelope received = answer.get(30, TimeUnit.SECONDS);
                double elapsed = (System.nanoTime() - start) / 1e6;
                if (!received.output().get("png_base64").asText().equals(output.get("png_base64").asText())) {
                    throw new IllegalStateException("the image result arrived changed");
                }
                if (i >= 0) ms.add(elapsed);
            }
        }
        Stats s = Stats.of(ms);
        table.add("6", f("Kafka round trip of a %d KB image result, ms (publish → client future)", recordBytes / 1000),
                f("%.1f", s.median()), f("p99 %.1f, max %.1f (n=%d)", s.percentile(99), s.max(), s.count()), "< 100",
                ResultTable.verdict(s.median() < 100),
                f("512×512 PNG of %d KB as base64; worker producer settings, acks=all", png.length / 1000));
    }

    private static void publish(ReplyPublisher publisher, String topic, String id, ResultEnvelope result)
            throws PublishException {
        publisher.result(new ReplyAddress(topic, id, id.getBytes(StandardCharsets.UTF_8)), result);
    }
}
