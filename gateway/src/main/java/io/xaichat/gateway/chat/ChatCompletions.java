package io.xaichat.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.ResultLines;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.http.HttpCall;
import io.xaichat.gateway.jobs.JobRunner;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.schema.StreamChunk;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code POST /v1/chat/completions}: one chat (or vision) job per request, answered as a {@code chat.completion}, or
 * with {@code stream: true} as server-sent {@code chat.completion.chunk} events mapped from the job's stream chunks,
 * then a finish event, a usage event when {@code stream_options.include_usage}, and {@code [DONE]}.
 */
public final class ChatCompletions {
    private final ChatJobMapper mapper;
    private final JobRunner jobs;
    private final long maxBodyBytes;

    public ChatCompletions(SchemaValidator validator, ModelCatalog models, JobRunner jobs, long maxBodyBytes) {
        this.mapper = new ChatJobMapper(validator, models);
        this.jobs = jobs;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void handle(HttpCall call) throws Exception {
        ChatJob job = mapper.map(call.json(maxBodyBytes, "XAICHAT_GATEWAY_MAX_BODY_BYTES"));
        String jobId = JobRunner.newJobId();
        String id = "chatcmpl-" + jobId.substring(3);
        long created = Instant.now().getEpochSecond();
        if (!job.stream()) {
            ResultEnvelope result = jobs.await(jobs.submit(call.tenant(), jobId, job.kind(), job.model(), job.request(), null));
            call.json(200, ResultLines.chatCompletion(id, result, created));
            return;
        }
        // Chunks arrive on the client's reply thread; this thread writes them, so a slow HTTP client holds up
        // no one else's answers.
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        CompletableFuture<ResultEnvelope> future = jobs.submit(call.tenant(), jobId, job.kind(), job.model(),
                job.request(), events::add);
        future.whenComplete((r, e) -> events.add(r != null ? r : e));
        call.startStream();
        String model = job.servedModel();
        call.event(chunk(id, created, model, delta().put("role", "assistant").put("content", ""), null));
        StringBuilder sent = new StringBuilder();
        while (true) {
            Object event = events.take();
            if (event instanceof StreamChunk c) {
                if (c.delta() != null && !c.delta().isEmpty()) {
                    sent.append(c.delta());
                    call.event(chunk(id, created, model, delta().put("content", c.delta()), null));
                }
            } else if (event instanceof ResultEnvelope r) {
                if (!r.ok()) throw JobRunner.error(r);
                finish(call, id, created, r, sent, job.includeUsage());
                return;
            } else {
                Throwable t = (Throwable) event;
                throw JobRunner.failure(t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                        ? t.getCause() : t);
            }
        }
    }

    private static void finish(HttpCall call, String id, long created, ResultEnvelope r, StringBuilder sent,
                               boolean includeUsage) {
        String text = r.text() == null ? "" : r.text();
        // Chunks lost to a redelivery or arriving after the result: the result's text is the truth.
        if (text.startsWith(sent.toString()) && text.length() > sent.length()) {
            call.event(chunk(id, created, r.model(), delta().put("content", text.substring(sent.length())), null));
        }
        String reason = r.finishReason() != null ? r.finishReason() : "stop";
        call.event(chunk(id, created, r.model(), delta(), reason));
        if (includeUsage) {
            ObjectNode usage = base(id, created, r.model());
            usage.putArray("choices");
            usage.set("usage", ResultLines.usage(r.usage()));
            call.event(Json.toString(usage));
        }
        call.event("[DONE]");
        call.endStream();
    }

    private static ObjectNode delta() {
        return Json.MAPPER.createObjectNode();
    }

    private static String chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode chunk = base(id, created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finishReason);
        return Json.toString(chunk);
    }

    private static ObjectNode base(String id, long created, String model) {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

}
