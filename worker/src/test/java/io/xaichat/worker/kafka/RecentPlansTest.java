package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.PreparedJob;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans of identical requests are reused, bound to each job's own envelope, on the real llama-cpp engine. */
class RecentPlansTest {
    @TempDir
    static Path dir;
    static LlamaCppChatEngine engine;

    @BeforeAll
    static void load() {
        engine = new LlamaCppChatEngine(ChatEngineConfig.defaults(TinyGgufModels.qwen2(dir)).withThreads(1)
                .withContextLength(256).withSlots(1));
    }

    @AfterAll
    static void close() {
        if (engine != null) engine.close();
    }

    private static JobEnvelope job(String id, ChatRequest request) {
        return JobEnvelope.of(id, JobKind.CHAT, "replies", request);
    }

    @Test
    void anIdenticalRequestReusesThePlanUnderItsOwnEnvelopeAndRunsTheSame() throws JobFailure {
        RecentPlans plans = new RecentPlans();
        ChatRequest request = ChatRequest.ofPrompt("Once upon a time").withTemperature(0).withMaxTokens(8);

        PreparedJob<?> first = plans.prepare(engine, job("a", request), 200);
        PreparedJob<?> second = plans.prepare(engine, job("b", request), 200);
        PreparedJob<?> other = plans.prepare(engine, job("c", request.withMaxTokens(9)), 200);

        assertThat(second.plan()).isSameAs(first.plan());
        assertThat(second.cacheMaterial()).isSameAs(first.cacheMaterial());
        assertThat(second.envelope().jobId()).isEqualTo("b");
        assertThat(other.plan()).isNotSameAs(first.plan());
        assertThat(other.cacheMaterial()).isNotEqualTo(first.cacheMaterial());
        // The reused plan gives exactly what a fresh prepare gives.
        @SuppressWarnings("unchecked")
        var reused = (PreparedJob<io.xaichat.worker.chat.ChatPlan>) second;
        assertThat(engine.run(reused, ChunkSink.NONE).output())
                .isEqualTo(engine.run(engine.prepare(job("d", request)), ChunkSink.NONE).output());
    }

    @Test
    void largeRecordsAndFailedPreparesAreNotRemembered() throws JobFailure {
        RecentPlans plans = new RecentPlans();
        ChatRequest request = ChatRequest.ofPrompt("Hello").withTemperature(0).withMaxTokens(4);
        PreparedJob<?> big = plans.prepare(engine, job("a", request), JobSchemaCheck.MAX_REMEMBERED_BYTES + 1);
        PreparedJob<?> again = plans.prepare(engine, job("b", request), 200);
        assertThat(again.plan()).isNotSameAs(big.plan());

        ChatRequest refused = ChatRequest.ofPrompt("Hello").withLogitBias(java.util.Map.of("99999999", 1.0));
        for (String id : new String[] {"x", "y"}) {
            assertThatThrownBy(() -> plans.prepare(engine, job(id, refused), 200)).isInstanceOf(JobFailure.class)
                    .hasMessageContaining("logit_bias");
        }
    }
}
