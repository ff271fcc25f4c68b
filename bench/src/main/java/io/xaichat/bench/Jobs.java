package io.xaichat.bench;

import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.StreamChunk;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** The chat jobs the benchmarks send, and the client round trip as a caller sees it. */
public final class Jobs {
    /**
     * A short user prompt (about 60 tokens with the chat template on the synthetic byte-level vocabulary), so prompt
     * evaluation stays small next to 64 generated tokens and the decode figure is less noisy.
     */
    public static final String PROMPT = "Why do batch workers keep models resident and pinned to cores?";

    private Jobs() {}

    /** Greedy (temperature 0), so every run does the same computation. */
    public static ChatRequest chat(String prompt, int maxTokens, boolean stream) {
        return new ChatRequest(List.of(ChatMessage.user(prompt)), null, maxTokens, 0.0, null, null, null, null,
                stream ? Boolean.TRUE : null);
    }

    public static JobEnvelope job(ChatRequest request, CachePolicy cache) {
        return JobEnvelope.of("bench-" + UUID.randomUUID(), JobKind.CHAT, null, request).withCache(cache);
    }

    /** A result and the milliseconds from submit to the completed future, measured by the caller's thread. */
    public record Timed(ResultEnvelope result, double roundTripMs) {
        /** Round trip minus the engine's own compute time as the worker reported it. */
        public double overheadMs() {
            return roundTripMs - result.timings().computeMs();
        }

        public int completionTokens() {
            return result.usage() == null ? 0 : result.usage().completionTokens();
        }
    }

    public static Timed roundTrip(XaiChatClient client, JobEnvelope job) {
        return roundTrip(client, job, null);
    }

    /** @param onChunk receives the stream chunks of a streaming job; null ignores them */
    public static Timed roundTrip(XaiChatClient client, JobEnvelope job, Consumer<StreamChunk> onChunk) {
        long start = System.nanoTime();
        ResultEnvelope result;
        try {
            result = client.submit(job, onChunk).get(10, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("job " + job.jobId() + " got no result: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for job " + job.jobId(), e);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        if (!result.ok()) {
            throw new IllegalStateException("job " + job.jobId() + " failed: " + result.status() + " "
                    + result.error());
        }
        return new Timed(result, ms);
    }
}
