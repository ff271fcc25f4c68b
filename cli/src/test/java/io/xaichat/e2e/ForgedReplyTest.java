package io.xaichat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack an adversarial run found: a client that can read the job topic copies a victim's correlation id into
 * its own job with {@code reply_to} = the victim's reply topic, and writes a forged result straight onto that
 * topic. The victim's client must take neither: only a record whose key, correlation id and body job_id all name
 * its job.
 */
@ExtendWith(KafkaExtension.class)
class ForgedReplyTest {
    @TempDir
    static Path dir;

    @Test
    void aClientIgnoresForgedRepliesAndWaitsForItsOwnAnswer(KafkaHandle kafka) throws Exception {
        String prefix = Names.unique("forged");
        Topics topics = new Topics(prefix);
        // One partition: the worker takes the attacker's job first, so its answer arrives before the real one.
        kafka.createTopic(topics.jobs(JobKind.CHAT), 1);
        ClientConfig config = ClientConfig.of(kafka.bootstrapServers()).withTopicPrefix(prefix).withClientId("victim");
        try (XaiChatClient victim = XaiChatClient.start(config)) {
            ChatRequest question = ChatRequest.ofPrompt("What is my balance?").withTemperature(0).withMaxTokens(4);

            JobEnvelope attack = JobEnvelope.of("attacker-6", JobKind.CHAT, victim.replyTopic(), question);
            ProducerRecord<String, byte[]> viaWorker = new ProducerRecord<>(topics.jobs(JobKind.CHAT), attack.jobId(),
                    Json.toBytes(attack));
            viaWorker.headers().add(RecordHeaders.CORRELATION_ID, "victim-1".getBytes(StandardCharsets.UTF_8));
            kafka.send(viaWorker);

            // Straight onto the victim's reply topic: key and correlation id right, body another job's.
            ResultEnvelope fake = ResultEnvelope.error("attacker-7", JobKind.CHAT, "w", io.xaichat.schema.ErrorCode.ENGINE_FAILURE, "forged");
            ProducerRecord<String, byte[]> direct = new ProducerRecord<>(victim.replyTopic(), "victim-1",
                    Json.toBytes(fake));
            direct.headers().add(RecordHeaders.CORRELATION_ID, "victim-1".getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaders.MESSAGE_TYPE, RecordHeaders.TYPE_RESULT.getBytes(StandardCharsets.UTF_8));

            CompletableFuture<ResultEnvelope> mine = victim.submit(JobEnvelope.of("victim-1", JobKind.CHAT, null, question));
            kafka.send(direct);
            try (ChatWorkers worker = ChatWorkers.start(1, kafka.bootstrapServers(), prefix, null, dir)) {
                ResultEnvelope answer = mine.get(120, TimeUnit.SECONDS);
                assertThat(answer.jobId()).isEqualTo("victim-1");
                assertThat(answer.status()).isEqualTo(ResultStatus.OK);
                assertThat(victim.stats().rejectedRecords()).as("forged replies dropped").isEqualTo(2);
                assertThat(victim.stats().answered()).isEqualTo(1);
            }
        }
    }
}
