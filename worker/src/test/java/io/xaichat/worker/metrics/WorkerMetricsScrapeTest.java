package io.xaichat.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.health.BrokerProbe;
import io.xaichat.worker.health.HealthServer;
import io.xaichat.worker.health.WorkerReadiness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real worker (broker, Redis, llama.cpp with a tiny model) answers jobs; a scrape of /metrics shows them. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class WorkerMetricsScrapeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = TinyGgufModels.qwen2(dir);
    }

    @Test
    void aScrapeShowsTheJobsCacheAndDeadLettersOfARealWorker(KafkaHandle kafka, RedisHandle redis) {
        Topics topics = new Topics(Names.unique("metrics"));
        String replyTopic = topics.prefix() + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        WorkerMetrics metrics = new WorkerMetrics();
        LlamaChatEngine engine = TestWorkers.tinyChat(model);
        metrics.modelLoaded(engine, Duration.ofMillis(1234));
        WorkerReadiness readiness = new WorkerReadiness(BrokerProbe.of(Admin.create(kafka.clientConfig())));

        try (HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), metrics.registry(), readiness);
             Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(), topics.prefix(),
                     "metrics-w", JobKind.CHAT), metrics, engine);
             Replies replies = new Replies(kafka.bootstrapServers(), replyTopic)) {
            metrics.watchCache(worker.cacheStatus());
            readiness.started(worker);
            String url = "http://127.0.0.1:" + server.port() + "/metrics";
            String jobs = topics.jobs(JobKind.CHAT);
            ChatRequest hello = ChatRequest.ofMessages(List.of(ChatMessage.user("Say hello"))).withTemperature(0)
                    .withMaxTokens(8);

            send(kafka, jobs, JobEnvelope.of("first", JobKind.CHAT, replyTopic, hello));
            ResultEnvelope first = replies.await("first", WAIT);
            send(kafka, jobs, JobEnvelope.of("again", JobKind.CHAT, replyTopic, hello));
            send(kafka, jobs, JobEnvelope.of("late", JobKind.CHAT, replyTopic, hello).withDeadline(Instant.now().minusSeconds(5)));
            kafka.send(new ProducerRecord<>(jobs, "broken", "{not json".getBytes(StandardCharsets.UTF_8)));
            kafka.send(new ProducerRecord<>(jobs, "no-request", ("{\"reply_to\":\"" + replyTopic
                    + "\",\"job_id\":\"no-request\",\"kind\":\"chat\"}").getBytes(StandardCharsets.UTF_8)));
            assertThat(replies.await("again", WAIT).cached()).isTrue();
            assertThat(replies.await("late", WAIT).status()).isEqualTo(ResultStatus.EXPIRED);
            assertThat(replies.await("no-request", WAIT).status()).isEqualTo(ResultStatus.ERROR);

            // The hooks run once the broker acknowledged; the last job's may trail its reply by a moment.
            await().atMost(WAIT).untilAsserted(() -> assertThat(MetricsText.scrape(url)
                    .value("xaichat_dead_letters_total", "kind", "chat", "code", ErrorCode.SCHEMA_VIOLATION.wire())).isEqualTo(1));
            MetricsText m = MetricsText.scrape(url);

            assertThat(m.value("xaichat_jobs_total", "kind", "chat", "status", "ok")).isEqualTo(2);
            assertThat(m.value("xaichat_jobs_total", "kind", "chat", "status", "expired")).isEqualTo(1);
            assertThat(m.value("xaichat_jobs_total", "kind", "chat", "status", "error")).isEqualTo(1);
            assertThat(m.value("xaichat_dead_letters_total", "kind", "chat", "code", ErrorCode.MALFORMED_JSON.wire())).isEqualTo(1);
            // The original service's names.
            assertThat(m.value("chat_requests_total", "status", "ok")).isEqualTo(2);
            assertThat(m.value("chat_requests_total", "status", "expired")).isEqualTo(1);
            assertThat(m.value("chat_requests_total", "status", "error")).isEqualTo(1);
            // Error results carry no timings: two ok and one expired were timed.
            assertThat(m.value("chat_request_duration_seconds_count")).isEqualTo(3);

            assertThat(m.value("xaichat_job_duration_seconds_count", "kind", "chat", "stage", "compute")).isEqualTo(1);
            assertThat(m.value("xaichat_job_duration_seconds_sum", "kind", "chat", "stage", "compute"))
                    .isEqualTo(first.timings().computeMs() / 1e3);
            assertThat(m.value("xaichat_job_duration_seconds_count", "kind", "chat", "stage", "queue")).isEqualTo(3);
            assertThat(m.value("xaichat_job_duration_seconds_count", "kind", "chat", "stage", "total")).isEqualTo(3);

            assertThat(m.value("xaichat_cache_lookups_total", "kind", "chat", "result", "miss")).isEqualTo(1);
            assertThat(m.value("xaichat_cache_lookups_total", "kind", "chat", "result", "hit")).isEqualTo(1);
            assertThat(m.value("xaichat_cache_errors_total")).isZero();
            assertThat(m.value("xaichat_cache_up")).isEqualTo(1);

            // Work done: one inference, the cache hit generated nothing.
            assertThat(m.value("xaichat_generated_tokens_total", "kind", "chat")).isEqualTo(first.usage().completionTokens());
            assertThat(m.value("xaichat_prompt_tokens_total", "kind", "chat")).isEqualTo(first.usage().promptTokens());
            assertThat(m.value("xaichat_tokens_per_second_count", "kind", "chat"))
                    .isEqualTo(first.timings().computeMs() > 0 ? 1 : 0);
            assertThat(m.value("xaichat_engine_inferences_total", "kind", "chat", "model", engine.modelId())).isEqualTo(1);
            assertThat(m.value("xaichat_model_load_seconds", "kind", "chat", "model", engine.modelId())).isEqualTo(1.234);
            assertThat(m.value("xaichat_model_info", "kind", "chat", "model", engine.modelId(), "digest",
                    engine.modelDigest())).isEqualTo(1);

            // The process: resident memory holds at least the JVM, and the JVM metrics are there.
            assertThat(m.value("xaichat_resident_memory_bytes")).isGreaterThan(32 << 20);
            // Read after the current value in the same scrape, and the high-water mark never falls.
            assertThat(m.value("xaichat_resident_memory_peak_bytes")).isGreaterThanOrEqualTo(m.value("xaichat_resident_memory_bytes"));
            assertThat(m.has("jvm_memory_used_bytes")).isTrue();
            assertThat(m.has("jvm_threads_current")).isTrue();
        }
    }

    private static void send(KafkaHandle kafka, String topic, JobEnvelope job) {
        kafka.send(new ProducerRecord<>(topic, job.jobId(), Json.toBytes(job)));
    }
}
