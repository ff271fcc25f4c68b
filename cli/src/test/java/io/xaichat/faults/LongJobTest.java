package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import io.xaichat.worker.gguf.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that computes for longer than {@code max.poll.interval.ms} costs no rebalance: the consumer keeps polling
 * (partitions paused) while the job runs, so the member stays the same and the job is answered once.
 */
@Tag("faults")
class LongJobTest {
    static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aJobLongerThanMaxPollIntervalIsAnsweredOnceWithoutRebalance() throws Exception {
        // 8 layers, 512 wide: a 1,000-token prompt plus ~700 generated tokens take 10-15 s on one thread.
        Path model = TinyGgufModels.write(new ModelSpec("qwen2", 512, 8, 8, 2, 1536, 288, 4096, TensorType.F16, 42),
                dir.resolve("slow-qwen2.gguf"));
        String prefix = Names.unique("longjob");
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             ChildWorkers workers = new ChildWorkers(dir, broker.bootstrapServers(), prefix)) {
            WorkerProcess worker = workers.start(WorkerProcess.chat("slow", model, dir)
                    .bootstrap(broker.bootstrapServers()).prefix(prefix)
                    .env("XAICHAT_TOPIC_PARTITIONS", Integer.toString(ChildWorkers.PARTITIONS))
                    .env("XAICHAT_CHAT_CONTEXT", "4096")
                    .flag("--max-poll-interval", MAX_POLL_INTERVAL.toSeconds() + "s"));
            worker.awaitReady(ChildWorkers.READY);
            MemberDescription before = only(workers.awaitMembers(kafka.admin(), 1, Duration.ofSeconds(30)));

            try (XaiChatClient client = XaiChatClient.start(workers.clientConfig())) {
                JobTally tally = new JobTally(client);
                tally.submit(JobEnvelope.of("long", JobKind.CHAT, null,
                        ChatRequest.ofPrompt("story ".repeat(250)).withTemperature(0).withMaxTokens(1000)));
                Map<String, ResultEnvelope> results = tally.awaitAll(Duration.ofMinutes(2));
                ResultEnvelope result = results.get("long");
                ReliabilityReport.Row row = ReliabilityReport.write("6-long-job", tally.row(
                        "job longer than max.poll.interval.ms", "1 worker JVM with --max-poll-interval "
                                + MAX_POLL_INTERVAL.toSeconds() + "s; one job computing " + result.timings().computeMs()
                                + " ms; same member and epoch before and after, no poll-timeout in the log",
                        Duration.ofSeconds(3)));

                assertThat(result.ok()).isTrue();
                assertThat(result.timings().computeMs()).isGreaterThan(MAX_POLL_INTERVAL.toMillis());
                assertThat(row.lost()).isZero();
                assertThat(row.duplicated()).isZero();
            }
            MemberDescription after = only(workers.describe(kafka.admin()));
            assertThat(after.consumerId()).isEqualTo(before.consumerId());
            assertThat(after.memberEpoch()).isEqualTo(before.memberEpoch());
            assertThat(after.assignment()).isEqualTo(before.assignment());
            assertThat(worker.output()).doesNotContainIgnoringCase("poll timeout")
                    .doesNotContain("revoked").doesNotContain("computed twice");
        }
    }

    private static MemberDescription only(ConsumerGroupDescription group) {
        assertThat(group.members()).hasSize(1);
        return group.members().iterator().next();
    }
}
