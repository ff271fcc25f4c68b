package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
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
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.engine.ChunkSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Chat jobs through Kafka and Redis answered by the llama-cpp engine (the default) on tiny qwen2 and qwen3 models. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class LlamaCppWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static Path qwen2;
    static Path qwen3;

    @BeforeAll
    static void writeModels() {
        qwen2 = TinyGgufModels.qwen2(dir);
        qwen3 = TinyGgufModels.qwen3(dir);
    }

    private static ChatRequest hello() {
        return ChatRequest.ofMessages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Say hello")))
                .withTemperature(0).withMaxTokens(8);
    }

    @Test
    void qwen2JobsRoundTripThroughKafka(KafkaHandle kafka, RedisHandle redis) throws Exception {
        roundTrip(kafka, redis, qwen2, r -> r);
    }

    @Test
    void qwen3JobsRoundTripThroughKafka(KafkaHandle kafka, RedisHandle redis) throws Exception {
        roundTrip(kafka, redis, qwen3, r -> r);
    }

    /** Four jobs at once through a 4-slot engine: each answer is the engine's own answer to that request. */
    private void roundTrip(KafkaHandle kafka, RedisHandle redis, Path model, Function<ChatRequest, ChatRequest> tweak)
            throws Exception {
        Topics topics = new Topics(Names.unique("llamacpp"));
        String replyTopic = topics.prefix() + ".replies.test";
        kafka.createTopic(replyTopic, 1);
        try (LlamaCppChatEngine engine = TestWorkers.tinyLlamaCpp(model, 4);
             Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(),
                     topics.prefix(), "w1", JobKind.CHAT), engine);
             Replies replies = new Replies(kafka.bootstrapServers(), replyTopic)) {
            List<ChatRequest> requests = List.of(hello(), hello().withMaxTokens(3),
                    ChatRequest.ofPrompt("Once upon a time").withSeed(9).withTemperature(0.9).withMaxTokens(12),
                    hello().withLogprobs(true, 2),
                    // Every new option on the wire: the worker validates jobs against the JSON Schema first.
                    ChatRequest.ofPrompt("JSON:").withSeed(5).withTemperature(0.8).withMaxTokens(60).withThinking(false)
                            .withPenalties(0.5, 0.5).withLogitBias(java.util.Map.of("7", -5.0))
                            .withResponseFormat(io.xaichat.schema.ResponseFormat.json()));
            for (int i = 0; i < requests.size(); i++) {
                JobEnvelope job = JobEnvelope.of("job-" + i, JobKind.CHAT, replyTopic, tweak.apply(requests.get(i)));
                kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), job.jobId(), Json.toBytes(job)));
            }
            for (int i = 0; i < requests.size(); i++) {
                ResultEnvelope result = replies.await("job-" + i, WAIT);
                assertThat(result.status()).as("job-%d: %s", i, result.error()).isEqualTo(ResultStatus.OK);
                var direct = engine.run(engine.prepare(JobEnvelope.of("direct", JobKind.CHAT, replyTopic,
                        tweak.apply(requests.get(i)).withStream(null))), ChunkSink.NONE);
                assertThat(result.text()).as("job-%d", i).isEqualTo(direct.output().asText());
                assertThat(result.usage()).isEqualTo(direct.usage());
                assertThat(result.model()).isEqualTo(engine.modelId());
            }
            ResultEnvelope withLogprobs = replies.await("job-3", WAIT);
            assertThat(withLogprobs.logprobs().get("content")).hasSize(withLogprobs.usage().completionTokens());
            assertThat(replies.await("job-1", WAIT).finishReason()).isEqualTo("length");
            ResultEnvelope json = replies.await("job-4", WAIT);
            if ("stop".equals(json.finishReason())) assertThat(Json.MAPPER.readTree(json.text()).isMissingNode()).isFalse();
        }
    }
}
