package io.xaichat.testkit;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.TopicReader.TopicRecord;
import io.xaichat.worker.Worker;
import io.xaichat.worker.engine.Engine;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.JedisPooled;

/**
 * A real worker on topics of its own (a unique prefix) with one reply topic read from its beginning: what a test of
 * jobs through Kafka needs. The engines are owned by the worker and closed with the bench.
 */
public final class WorkerBench implements AutoCloseable {
    private final KafkaHandle kafka;
    private final Topics topics;
    private final String replyTopic;
    private final Worker worker;
    private final Replies replies;

    private WorkerBench(KafkaHandle kafka, Topics topics, Worker worker) {
        this.kafka = kafka;
        this.topics = topics;
        this.replyTopic = topics.prefix() + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        this.worker = worker;
        this.replies = new Replies(kafka.bootstrapServers(), replyTopic);
    }

    /** Starts a worker serving the engines' kinds on fresh topics named after {@code name}, cached in Redis. */
    public static WorkerBench start(KafkaHandle kafka, RedisHandle redis, String name, Engine<?>... engines) {
        Topics topics = new Topics(Names.unique(name));
        JobKind[] kinds = Arrays.stream(engines).map(Engine::kind).toArray(JobKind[]::new);
        Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(), topics.prefix(),
                "w-" + name, kinds), engines);
        return new WorkerBench(kafka, topics, worker);
    }

    /** Empties the shared Redis: tests that share a model share its cache keys. */
    public static void emptyCache(RedisHandle redis) {
        try (JedisPooled jedis = new JedisPooled(URI.create(redis.url()))) {
            jedis.flushAll();
        }
    }

    /** A job of {@code kind} answering to this bench's reply topic. */
    public JobEnvelope job(String id, JobKind kind, Object request) {
        return JobEnvelope.of(id, kind, replyTopic, request);
    }

    /** Sends a job to the job topic of its kind, keyed by its id. */
    public void send(JobEnvelope job) {
        kafka.send(new ProducerRecord<>(topics.jobs(job.kind()), job.jobId(), Json.toBytes(job)));
    }

    /** Reads the dead-letter topic until {@code count} records have arrived. */
    public List<TopicRecord> deadLetters(int count, Duration timeout) {
        return TopicReader.read(kafka.bootstrapServers(), topics.deadLetter(), count, timeout);
    }

    /** The error code header of the dead-letter record keyed {@code key}. */
    public static io.xaichat.schema.ErrorCode errorCode(List<TopicRecord> deadLetters, String key) {
        return deadLetters.stream().filter(r -> key.equals(r.keyString())).findFirst()
                .orElseThrow(() -> new AssertionError("no dead-letter record keyed " + key))
                .header(RecordHeaders.ERROR_CODE).map(io.xaichat.schema.ErrorCode::fromWire).orElseThrow();
    }

    /** The records of one job on the reply topic so far, in order. */
    public List<TopicRecord> recordsOf(String jobId) {
        return replies.records().stream().filter(r -> jobId.equals(r.keyString())).toList();
    }

    public Topics topics() {
        return topics;
    }

    public Replies replies() {
        return replies;
    }

    public Worker worker() {
        return worker;
    }

    @Override
    public void close() {
        replies.close();
        worker.close();
    }
}
