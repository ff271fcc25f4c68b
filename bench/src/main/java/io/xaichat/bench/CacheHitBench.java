package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.worker.Worker;
import io.xaichat.worker.config.ThroughputConfig;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Figure 7: the cache-hit path of one worker.
 *
 * <ul>
 *   <li>Throughput: {@code jobs} identical deterministic chat jobs are produced while no worker runs (the cache
 *       already holds the answer); then the worker starts and the time runs from the first result received to the
 *       last. Beside it the same with one job in flight at a time ({@code XAICHAT_MAX_BUFFERED_RECORDS=1}).</li>
 *   <li>Latency: the round trip of one cache-hit job (plain producer → worker → plain consumer on the reply
 *       topic), interleaved with two bare produce→consume hops through a relay of plain clients on the same broker
 *       (the physical floor of a request-reply over Kafka here).</li>
 * </ul>
 */
public final class CacheHitBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Cluster cluster;
    private final ResultTable table;
    private final int jobs;
    private final int oneAtATimeJobs;
    private final int roundTrips;

    public CacheHitBench(Cluster cluster, ResultTable table, int jobs, int oneAtATimeJobs, int roundTrips) {
        this.cluster = cluster;
        this.table = table;
        this.jobs = jobs;
        this.oneAtATimeJobs = oneAtATimeJobs;
        this.roundTrips = roundTrips;
    }

    /** @param engine makes a fresh engine for each worker start (the tiny model: only its cached answer matters) */
    public void run(Supplier<Engine<?>> engine) throws Exception {
        double fast = throughput(engine, Map.of(), jobs);
        double serial = throughput(engine, Map.of("max-buffered-records", "1", "chat-concurrency", "1"), oneAtATimeJobs);
        table.add("9", "cache-hit throughput of one worker, jobs/s (first to last result)", f("%.0f", fast),
                f("one job in flight at a time: %.0f jobs/s (%d jobs); ×%.1f", serial, oneAtATimeJobs, fast / serial),
                "≥ 5000", ResultTable.verdict(fast >= 5000),
                f("%d identical deterministic chat jobs produced ahead, answer cached; 4 partitions; defaults "
                        + "(buffer %d, commit every %d ms)", jobs, ThroughputConfig.DEFAULT_MAX_BUFFERED,
                        ThroughputConfig.DEFAULT_COMMIT_INTERVAL.toMillis()));
        latency(engine);
    }

    private static JobEnvelope job(String id, String replyTopic) {
        return JobEnvelope.of(id, JobKind.CHAT, replyTopic, Jobs.chat("Say hello", 8, false));
    }

    /** Jobs per second from the first to the last of {@code n} results. */
    /** @param throughput settings by flag name, over the defaults */
    private double throughput(Supplier<Engine<?>> engine, Map<String, String> throughput, int n) throws Exception {
        String prefix = cluster.prefix("hits");
        WorkerConfig config = cluster.workerConfig("hits", prefix, 4, true, JobKind.CHAT, throughput);
        String jobTopic = config.topics().jobs(JobKind.CHAT);
        String replyTopic = prefix + ".replies.bench";
        cluster.createTopic(replyTopic, 1);
        try (KafkaProducer<String, byte[]> producer = PlainKafka.producer(cluster.bootstrapServers(), 5);
             KafkaConsumer<String, byte[]> results = PlainKafka.tail(cluster.bootstrapServers(), replyTopic, 1)) {
            // Warm the cache (and create the job topic), then stop the worker.
            try (Worker warm = cluster.startWorker(config, engine.get())) {
                producer.send(new ProducerRecord<>(jobTopic, "warm", Json.toBytes(job("warm", replyTopic))));
                producer.flush();
                await(results, Set.of("warm"), null);
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String id = "hit-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(jobTopic, id, Json.toBytes(job(id, replyTopic))));
            }
            producer.flush();
            long[] span = new long[2];
            try (Worker worker = cluster.startWorker(config, engine.get())) {
                await(results, ids, span);
            }
            return (n - 1) / ((span[1] - span[0]) / 1e9);
        }
    }

    /** Reads results until every id in {@code ids} has one; {@code span} gets the first and last arrival. */
    private static void await(KafkaConsumer<String, byte[]> results, Set<String> ids, long[] span) {
        Set<String> left = new HashSet<>(ids);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(left.size() + " results missing");
            for (ConsumerRecord<String, byte[]> r : results.poll(PlainKafka.POLL)) {
                if (!left.remove(r.key())) continue;
                // A byte search, not a parse: the reader must not steal the worker's CPU on two cores.
                String json = new String(r.value(), StandardCharsets.UTF_8);
                if (!json.contains("\"status\":\"ok\"") || (span != null && !json.contains("\"cached\":true"))) {
                    throw new IllegalStateException("job " + r.key() + " not answered ok from the cache: " + json);
                }
                long now = System.nanoTime();
                if (span != null && span[0] == 0) span[0] = now;
                if (span != null) span[1] = now;
            }
        }
    }

    /** Cache-hit round trips against two bare hops, interleaved one by one. */
    private void latency(Supplier<Engine<?>> engine) throws Exception {
        String prefix = cluster.prefix("hitrtt");
        WorkerConfig config = cluster.workerConfig("hitrtt", prefix, 1, true, JobKind.CHAT);
        String jobTopic = config.topics().jobs(JobKind.CHAT);
        String replyTopic = prefix + ".replies.bench";
        String hopA = prefix + ".hop-a";
        String hopB = prefix + ".hop-b";
        for (String t : List.of(replyTopic, hopA, hopB)) cluster.createTopic(t, 1);
        List<Double> hit = new ArrayList<>();
        List<Double> hops = new ArrayList<>();
        try (Worker worker = cluster.startWorker(config, engine.get());
             KafkaProducer<String, byte[]> producer = PlainKafka.producer(cluster.bootstrapServers(), 0);
             KafkaConsumer<String, byte[]> results = PlainKafka.tail(cluster.bootstrapServers(), replyTopic, 1);
             KafkaConsumer<String, byte[]> hopEnd = PlainKafka.tail(cluster.bootstrapServers(), hopB, 1);
             Relay relay = new Relay(cluster.bootstrapServers(), hopA, hopB)) {
            producer.send(new ProducerRecord<>(jobTopic, "warm", Json.toBytes(job("warm", replyTopic)))).get();
            await(results, Set.of("warm"), null);
            for (int i = -20; i < roundTrips; i++) {
                String id = "rtt-" + i;
                byte[] value = Json.toBytes(job(id, replyTopic));
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(jobTopic, id, value));
                await(results, Set.of(id), null);
                double hitMs = (System.nanoTime() - t0) / 1e6;

                long t1 = System.nanoTime();
                producer.send(new ProducerRecord<>(hopA, id, value));
                awaitKey(hopEnd, id);
                double hopMs = (System.nanoTime() - t1) / 1e6;
                if (i >= 0) {
                    hit.add(hitMs);
                    hops.add(hopMs);
                }
            }
        }
        Stats h = Stats.of(hit);
        Stats b = Stats.of(hops);
        double ratio = h.median() / b.median();
        table.add("9", "cache-hit round trip p50, ms (plain producer → worker → plain consumer)", f("%.2f", h.median()),
                f("p99 %.2f (n=%d); two bare hops p50 %.2f, p99 %.2f; ratio %.2f", h.percentile(99), h.count(),
                        b.median(), b.percentile(99), ratio),
                "≤ 1.5 × two hops", ResultTable.verdict(ratio <= 1.5),
                "one job at a time after 20 warm-ups, interleaved with a relay of plain clients (topic A → "
                        + "consumer → producer → topic B → consumer); acks=all, linger 0, same broker");
    }

    private static void awaitKey(KafkaConsumer<String, byte[]> consumer, String key) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(PlainKafka.POLL)) {
                if (key.equals(r.key())) return;
            }
        }
        throw new IllegalStateException("record " + key + " never arrived");
    }

    /** The middle of two hops: consumes topic A and produces each record to topic B at once. */
    private static final class Relay implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        private final BlockingQueue<Throwable> failure = new ArrayBlockingQueue<>(1);

        Relay(String bootstrap, String from, String to) {
            KafkaConsumer<String, byte[]> in = PlainKafka.tail(bootstrap, from, 1);
            KafkaProducer<String, byte[]> out = PlainKafka.producer(bootstrap, 0);
            thread = new Thread(() -> {
                try (in; out) {
                    while (running) {
                        for (ConsumerRecord<String, byte[]> r : in.poll(PlainKafka.POLL)) {
                            out.send(new ProducerRecord<>(to, r.key(), r.value()));
                        }
                    }
                } catch (RuntimeException e) {
                    failure.offer(e);
                }
            }, "bench-relay");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(10));
            Throwable t = failure.poll();
            if (t != null) throw new IllegalStateException("relay failed", t);
        }
    }
}
