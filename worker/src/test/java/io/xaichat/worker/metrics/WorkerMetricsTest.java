package io.xaichat.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Timings;
import io.xaichat.schema.Usage;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The hooks the runtime test does not reach: in-flight jobs, consumer lag, image speed; and the memory reader. */
@ExtendWith(KafkaExtension.class)
class WorkerMetricsTest {

    @Test
    void jobsInFlightRiseAndFallPerKind() {
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.started(JobKind.CHAT);
        metrics.started(JobKind.IMAGE);
        metrics.started(JobKind.CHAT);
        metrics.finished(JobKind.CHAT);
        MetricsText m = MetricsText.of(metrics.registry());
        assertThat(m.value("xaichat_jobs_in_flight", "kind", "chat")).isEqualTo(1);
        assertThat(m.value("xaichat_jobs_in_flight", "kind", "image")).isEqualTo(1);
        metrics.finished(JobKind.CHAT);
        metrics.finished(JobKind.IMAGE);
        m = MetricsText.of(metrics.registry());
        assertThat(m.value("xaichat_jobs_in_flight", "kind", "chat")).isZero();
        assertThat(m.value("xaichat_jobs_in_flight", "kind", "image")).isZero();
    }

    @Test
    void bufferedRecordsCommitLagAndCacheHitLatencyComeFromTheConsumerLoop() {
        WorkerMetrics metrics = new WorkerMetrics();
        java.util.concurrent.atomic.AtomicReference<io.xaichat.worker.kafka.FlowState> flow =
                new java.util.concurrent.atomic.AtomicReference<>(new io.xaichat.worker.kafka.FlowState(2, 40,
                        java.util.List.of(new io.xaichat.worker.kafka.FlowState.PartitionCommitLag("jobs", 3, 17))));
        metrics.flowStarted(JobKind.CHAT, flow::get);
        metrics.cacheHitAnswered(JobKind.CHAT, 0.0015);
        metrics.cacheHitAnswered(JobKind.CHAT, 0.004);
        MetricsText m = MetricsText.of(metrics.registry());
        assertThat(m.value("xaichat_buffered_records", "kind", "chat")).isEqualTo(40);
        assertThat(m.value("xaichat_commit_lag_records", "topic", "jobs", "partition", "3")).isEqualTo(17);
        assertThat(m.value("xaichat_cache_hit_seconds_count", "kind", "chat")).isEqualTo(2);
        assertThat(m.value("xaichat_cache_hit_seconds_bucket", "kind", "chat", "le", "0.002")).isEqualTo(1);

        flow.set(new io.xaichat.worker.kafka.FlowState(0, 0,
                java.util.List.of(new io.xaichat.worker.kafka.FlowState.PartitionCommitLag("jobs", 3, 0))));
        m = MetricsText.of(metrics.registry());
        assertThat(m.value("xaichat_buffered_records", "kind", "chat")).isZero();
        assertThat(m.value("xaichat_commit_lag_records", "topic", "jobs", "partition", "3")).isZero();
    }

    @Test
    void imageSpeedComesFromThePerStepTimesAndTextSpeedFromTokensOverComputeTime() {
        WorkerMetrics metrics = new WorkerMetrics();
        ObjectNode image = Json.MAPPER.createObjectNode().put("steps", 4);
        image.putObject("timings_ms").put("encode", 30).put("decode", 400).putArray("steps").add(500).add(500).add(500).add(500);
        metrics.computed(JobKind.IMAGE, ok(JobKind.IMAGE, image, new Usage(7, 0), 2600));
        metrics.computed(JobKind.VISION, ok(JobKind.VISION, Json.MAPPER.getNodeFactory().textNode("a cat"), new Usage(300, 20), 4000));

        MetricsText m = MetricsText.of(metrics.registry());
        // 4 steps in 2 s of UNet time (not the 2.6 s of the whole job): 2 steps/s.
        assertThat(m.value("xaichat_image_steps_per_second_count")).isEqualTo(1);
        assertThat(m.value("xaichat_image_steps_per_second_sum")).isEqualTo(2.0);
        assertThat(m.value("xaichat_image_steps_per_second_bucket", "le", "1.5")).isZero();
        assertThat(m.value("xaichat_image_steps_per_second_bucket", "le", "2.0")).isEqualTo(1);
        // Images generate no tokens and have no tokens/s.
        assertThat(m.value("xaichat_tokens_per_second_count", "kind", "image")).isZero();
        assertThat(m.value("xaichat_prompt_tokens_total", "kind", "image")).isEqualTo(7);
        // 20 tokens in 4 s.
        assertThat(m.value("xaichat_tokens_per_second_sum", "kind", "vision")).isEqualTo(5.0);
        assertThat(m.value("xaichat_generated_tokens_total", "kind", "vision")).isEqualTo(20);
        assertThat(m.value("xaichat_job_duration_seconds_sum", "kind", "image", "stage", "compute")).isEqualTo(2.6);
    }

    @Test
    void withoutACacheNoCacheSeriesAreExported() {
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.cacheOutcome(JobKind.CHAT, null);
        MetricsText m = MetricsText.of(metrics.registry());
        assertThat(m.has("xaichat_cache_lookups_total")).isFalse();
        assertThat(m.has("xaichat_cache_up")).isFalse();
        assertThat(m.has("xaichat_cache_errors_total")).isFalse();
    }

    @Test
    void twoWorkersInOneJvmKeepSeparateCounts() {
        WorkerMetrics a = new WorkerMetrics();
        WorkerMetrics b = new WorkerMetrics();
        a.deadLettered(JobKind.CHAT, io.xaichat.schema.ErrorCode.MALFORMED_JSON);
        assertThat(MetricsText.of(a.registry()).value("xaichat_dead_letters_total", "kind", "chat", "code", "malformed_json")).isEqualTo(1);
        assertThat(MetricsText.of(b.registry()).value("xaichat_dead_letters_total", "kind", "chat", "code", "malformed_json")).isZero();
    }

    @Test
    void consumerLagIsWhatTheConsumerHasNotReadYet(KafkaHandle kafka) {
        String topic = Names.unique("lag");
        kafka.createTopic(topic, 2);
        for (int i = 0; i < 5; i++) kafka.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, "k" + i, new byte[1]));
        kafka.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 1, "other", new byte[1]));

        WorkerMetrics metrics = new WorkerMetrics();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            metrics.consumerStarted(JobKind.CHAT, consumer::metrics);
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            int read = 0;
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read == 0 && System.nanoTime() < until) read = consumer.poll(Duration.ofMillis(200)).count();

            MetricsText m = MetricsText.of(metrics.registry());
            assertThat(read).isEqualTo(2);
            assertThat(m.value("xaichat_consumer_lag_records", "topic", topic, "partition", "0")).isEqualTo(3);
            // Only assigned partitions are reported.
            assertThat(m.labels("xaichat_consumer_lag_records")).extracting(l -> l.get("partition")).containsExactly("0");

            while (read < 5 && System.nanoTime() < until) read += consumer.poll(Duration.ofMillis(200)).count();
            assertThat(MetricsText.of(metrics.registry()).value("xaichat_consumer_lag_records", "topic", topic, "partition", "0"))
                    .isZero();
        }
    }

    @Test
    void residentMemoryIsReadFromProcStatusInBytes(@TempDir Path dir) throws Exception {
        Path status = Files.writeString(dir.resolve("status"),
                "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t 2048000 kB\nVmRSS:\t 1024000 kB\nThreads:\t42\n");
        ProcessMemory memory = new ProcessMemory(status);
        assertThat(memory.residentBytes()).hasValue(1024000L * 1024);
        assertThat(memory.peakResidentBytes()).hasValue(2048000L * 1024);
        assertThat(new ProcessMemory(dir.resolve("missing")).residentBytes()).isEmpty();
        // This JVM, on Linux.
        assertThat(new ProcessMemory().residentBytes().orElseThrow()).isGreaterThan(16L << 20);
    }

    private static ResultEnvelope ok(JobKind kind, com.fasterxml.jackson.databind.JsonNode output, Usage usage, long computeMs) {
        return new ResultEnvelope("j", ResultStatus.OK, kind, output, usage, new Timings(5, computeMs, computeMs + 5),
                false, "w", "m", null, null);
    }
}
