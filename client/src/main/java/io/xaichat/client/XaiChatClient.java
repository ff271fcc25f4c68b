package io.xaichat.client;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits jobs and hands back their results. Each job goes to {@code <prefix>.jobs.<kind>} keyed by its job id,
 * with {@code reply_to} set to this client's reply topic; the answer is matched by correlation id.
 *
 * <p>The reply topic is read with {@code assign} (no consumer group) from its end offset at start, so a client sees
 * only answers produced after it started: with a per-client topic ({@code <prefix>.replies.<clientId>}) only its
 * own; with the shared topic everyone's, of which it keeps its own by correlation id.
 *
 * <p>Futures complete, and stream callbacks run, on the client's reply thread: keep that work short or continue
 * with the {@code *Async} methods of {@link CompletableFuture}.
 */
public final class XaiChatClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(XaiChatClient.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Vision jobs carry an inline image; the worker refuses records larger than its own limit anyway. */
    static final int MAX_REQUEST_BYTES = 16 << 20;

    private final ClientConfig config;
    private final String replyTopic;
    private final ReplyRouter router = new ReplyRouter();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ScheduledExecutorService timer;
    private final Thread replyThread;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean running = true;

    private XaiChatClient(ClientConfig config, Duration connectTimeout) {
        this.config = config;
        this.replyTopic = config.replyTopic();
        long until = System.nanoTime() + connectTimeout.toNanos();
        new ReplyTopics(admin(connectTimeout)).ensure(config, replyTopic, connectTimeout);
        this.consumer = new KafkaConsumer<>(consumerProperties());
        try {
            assignAtEnd(Duration.ofNanos(Math.max(1_000_000, until - System.nanoTime())));
            this.producer = new KafkaProducer<>(producerProperties());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "xaichat-client-timeouts"));
        this.replyThread = daemon(this::pollReplies, "xaichat-client-replies-" + config.clientId());
        replyThread.start();
    }

    /** How long {@link #start(ClientConfig)} may take to reach the cluster. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Creates the reply topic if needed and starts listening on it; returns once answers can be received. */
    public static XaiChatClient start(ClientConfig config) {
        return start(config, DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * As {@link #start(ClientConfig)}, within {@code connectTimeout}.
     *
     * @throws BrokerUnavailableException when no broker answers within {@code connectTimeout}
     */
    public static XaiChatClient start(ClientConfig config, Duration connectTimeout) {
        return new XaiChatClient(config, connectTimeout);
    }

    public String replyTopic() {
        return replyTopic;
    }

    public ClientConfig config() {
        return config;
    }

    /** Submits a job without streaming, with the default timeout of its kind. */
    public CompletableFuture<ResultEnvelope> submit(JobEnvelope job) {
        return submit(job, null, config.timeout(job.kind()));
    }

    /** Submits a job; {@code onChunk} (may be null) receives its stream chunks in seq order. */
    public CompletableFuture<ResultEnvelope> submit(JobEnvelope job, Consumer<StreamChunk> onChunk) {
        return submit(job, onChunk, config.timeout(job.kind()));
    }

    /**
     * Submits a job. Its {@code reply_to} is set to this client's reply topic, a missing {@code created_at} to
     * now, and a missing {@code deadline} to now + timeout (nobody waits for the answer after that, so a worker
     * that reaches the job later answers "expired" instead of computing it).
     *
     * @return completes with the result (ok, error or expired alike), or exceptionally with a
     *     {@link JobTimeoutException} after {@code timeout}, or with the producer's error if the job could not be sent
     * @throws IllegalStateException if a job with the same id is still waiting, or the client is closed
     */
    public CompletableFuture<ResultEnvelope> submit(JobEnvelope job, Consumer<StreamChunk> onChunk, Duration timeout) {
        if (!running) throw new IllegalStateException("client " + config.clientId() + " is closed");
        JobEnvelope addressed = address(job, timeout);
        String jobId = addressed.jobId();
        CompletableFuture<ResultEnvelope> future = router.register(jobId, onChunk);
        ScheduledFuture<?> timeoutTask = timer.schedule(
                () -> router.timeOut(jobId, new JobTimeoutException(jobId, timeout, replyTopic)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        future.whenComplete((r, e) -> timeoutTask.cancel(false));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topics().jobs(job.kind()), null, jobId,
                Json.toBytes(addressed));
        byte[] idBytes = jobId.getBytes(StandardCharsets.UTF_8);
        byte[] topicBytes = replyTopic.getBytes(StandardCharsets.UTF_8);
        record.headers()
                .add(RecordHeaders.CORRELATION_ID, idBytes)
                .add(RecordHeaders.REPLY_TOPIC, topicBytes)
                .add(RecordHeaders.STREAM_TOPIC, topicBytes);
        try {
            producer.send(record, (meta, e) -> {
                if (e != null) router.fail(jobId, new IllegalStateException("could not send job " + jobId + " to "
                        + record.topic() + ": " + e.getMessage(), e));
            });
        } catch (RuntimeException e) {
            router.fail(jobId, e);
        }
        return future;
    }

    private JobEnvelope address(JobEnvelope job, Duration timeout) {
        Instant now = clock.instant();
        Instant created = job.createdAt() != null ? job.createdAt() : now;
        Instant deadline = job.deadline() != null ? job.deadline() : now.plus(timeout);
        return new JobEnvelope(job.schemaVersion(), job.jobId(), job.kind(), replyTopic, created, deadline,
                job.model(), job.cache(), job.request(), job.cacheScope());
    }

    /** Jobs submitted and not yet answered, timed out or failed. */
    public int waiting() {
        return router.waiting();
    }

    public ClientStats stats() {
        return router.stats();
    }

    private void pollReplies() {
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) route(r);
            } catch (WakeupException e) {
                // close() was called
            } catch (RuntimeException e) {
                if (running) log.warn("polling reply topic {} failed; retrying", replyTopic, e);
            }
        }
    }

    /**
     * Takes a record only if it is what a worker sends for one of this client's jobs: on this client's reply topic,
     * keyed by the job id, with the same id as correlation id (when the header is there) and, checked by the router,
     * in the body. Anything else (a forged reply, a reply to someone else's job) is dropped and counted.
     */
    private void route(ConsumerRecord<String, byte[]> r) {
        String jobId = r.key();
        if (!replyTopic.equals(r.topic()) || jobId == null || r.value() == null) {
            router.rejected("record without key or value, or from topic " + r.topic());
            return;
        }
        if (!jobId.equals(correlationId(r))) {
            router.rejected("record keyed '" + jobId + "' carries another job's correlation id");
            return;
        }
        Header type = r.headers().lastHeader(RecordHeaders.MESSAGE_TYPE);
        boolean chunk = type != null && type.value() != null
                && RecordHeaders.TYPE_CHUNK.equals(new String(type.value(), StandardCharsets.UTF_8));
        if (chunk) {
            router.chunk(jobId, r.value());
        } else {
            router.result(jobId, r.value());
        }
    }

    /** Chunks carry only xaichat_correlation_id, results both; records of other producers may carry neither. */
    private static String correlationId(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(RecordHeaders.XAICHAT_CORRELATION_ID);
        if (h == null) h = r.headers().lastHeader(RecordHeaders.CORRELATION_ID);
        if (h != null && h.value() != null) return new String(h.value(), StandardCharsets.UTF_8);
        return r.key();
    }

    /** Assigns every partition of the reply topic and fixes the positions at the current end, before any send. */
    private void assignAtEnd(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        List<TopicPartition> partitions = ReplyTopics.partitions(consumer, replyTopic, wait);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        try {
            for (TopicPartition tp : partitions) { // seekToEnd is lazy; resolve it now
                consumer.position(tp, Duration.ofNanos(Math.max(1_000_000, until - System.nanoTime())));
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new BrokerUnavailableException("the end of reply topic " + replyTopic + " could not be read within "
                    + JobTimeoutException.readable(wait), e);
        }
    }

    private Map<String, Object> common(String suffix) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "xaichat-" + config.clientId() + "-" + suffix);
        return props;
    }

    private Admin admin() {
        return admin(DEFAULT_CONNECT_TIMEOUT);
    }

    /** Calls give up after {@code timeout}, so an absent cluster is reported in that time, not after a minute. */
    private Admin admin(Duration timeout) {
        Map<String, Object> props = common("admin");
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return Admin.create(props);
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = common("producer");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        // No waiting for more records: a job is usually sent alone, and 5 ms of linger added 5 ms to every round trip.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = common("replies");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign, no group: nothing to commit, nobody to share with
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Image results carry a PNG.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * MAX_REQUEST_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * MAX_REQUEST_BYTES);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /**
     * Fails the jobs still waiting, stops listening and, for a per-client reply topic configured so, deletes it
     * unless answers may still arrive (jobs unanswered or timed out). Jobs already sent stay on their job topics
     * and may still be computed.
     */
    @Override
    public void close() {
        if (!running) return;
        running = false;
        consumer.wakeup();
        try {
            replyThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        // Answers may still come for jobs that are waiting or timed out; deleting their topic would leave the
        // workers retrying into a missing topic, so it stays (its retention empties it).
        boolean answersDue = router.waiting() > 0 || router.stats().timedOut() > 0;
        router.failAll(new IllegalStateException("client " + config.clientId() + " closed before the job was answered"));
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
        if (config.replyMode() == ClientConfig.ReplyMode.PER_CLIENT && config.deleteReplyTopicOnClose()) {
            if (answersDue) {
                log.info("keeping reply topic {}: answers to unanswered jobs may still arrive", replyTopic);
            } else {
                new ReplyTopics(admin()).delete(replyTopic);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
