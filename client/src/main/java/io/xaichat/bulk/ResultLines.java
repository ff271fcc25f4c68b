package io.xaichat.bulk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.client.ImageOutputs;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.Usage;

/**
 * Output lines in the OpenAI Batch output shape: {@code {id, custom_id, response: {status_code, request_id, body},
 * error: null}} for an answer, {@code {id, custom_id, response: null, error: {code, message}}} for a failure.
 * A chat or vision body looks like an OpenAI {@code chat.completion}; an image body like an OpenAI images response
 * ({@code data[0].b64_json}). Both carry our extras under {@code xaichat}.
 */
public final class ResultLines {
    private ResultLines() {}

    static ObjectNode answer(BulkJob job, ResultEnvelope result, long createdEpochSecond) {
        ObjectNode line = head(job);
        ObjectNode response = line.putObject("response");
        response.put("status_code", 200);
        response.put("request_id", job.jobId());
        ObjectNode body = result.kind() == JobKind.IMAGE ? imagesResponse(result, createdEpochSecond)
                : chatCompletion("chatcmpl-" + job.contentId(), result, createdEpochSecond);
        body.set("xaichat", extras(job, result));
        response.set("body", body);
        line.putNull("error");
        return line;
    }

    static ObjectNode failure(BulkJob job, String code, String message) {
        ObjectNode line = head(job);
        line.putNull("response");
        line.putObject("error").put("code", code).put("message", message);
        return line;
    }

    /** A failed request as written to the errors file: the output line plus the input line number. */
    static ObjectNode withLine(ObjectNode outputLine, int inputLine) {
        ObjectNode copy = outputLine.deepCopy();
        copy.put("line", inputLine);
        return copy;
    }

    static ObjectNode invalid(ParsedLine.Invalid invalid, String runId) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("id", BulkJob.requestId(runId, String.format("line%08d", invalid.line())));
        if (invalid.customId() == null) line.putNull("custom_id"); else line.put("custom_id", invalid.customId());
        line.put("line", invalid.line());
        line.putNull("response");
        line.putObject("error").put("code", invalid.code()).put("message", "line " + invalid.line() + ": "
                + invalid.message());
        return line;
    }

    /** An errors-file line for a request that runs but had fields ignored or served differently. */
    static ObjectNode warnings(BulkJob job) {
        ObjectNode line = head(job);
        line.put("line", job.request().line());
        var list = line.putArray("warnings");
        for (LineWarning w : job.request().warnings()) {
            list.addObject().put("code", w.code()).put("param", w.param()).put("message", w.message());
        }
        return line;
    }

    private static ObjectNode head(BulkJob job) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("id", job.requestId());
        line.put("custom_id", job.request().customId());
        return line;
    }

    /** A chat or vision result as an OpenAI {@code chat.completion} object (also served by the HTTP gateway). */
    public static ObjectNode chatCompletion(String id, ResultEnvelope result, long created) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", result.model());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", result.text());
        // As OpenAI-compatible servers (llama-server, vLLM) return a thinking model's reasoning: beside the answer.
        if (result.reasoningContent() != null) message.put("reasoning_content", result.reasoningContent());
        if (result.logprobs() != null) choice.set("logprobs", result.logprobs());
        else choice.putNull("logprobs");
        choice.put("finish_reason", result.finishReason() != null ? result.finishReason() : "stop");
        body.set("usage", usage(result.usage()));
        return body;
    }

    /** OpenAI's {@code usage} object; zeros when the result carries none. */
    public static ObjectNode usage(Usage usage) {
        int prompt = usage == null ? 0 : usage.promptTokens();
        int completion = usage == null ? 0 : usage.completionTokens();
        return Json.MAPPER.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /** An image result as an OpenAI images response, {@code {created, data: [{b64_json}]}}. */
    public static ObjectNode imagesResponse(ResultEnvelope result, long created) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("created", created);
        body.put("model", result.model());
        String field = ImageOutputs.pngField(result.output());
        ObjectNode image = body.putArray("data").addObject();
        if (field != null) image.set("b64_json", result.output().get(field));
        return body;
    }

    private static ObjectNode extras(BulkJob job, ResultEnvelope result) {
        ObjectNode x = Json.MAPPER.createObjectNode();
        x.put("job_id", job.jobId());
        x.put("kind", result.kind() == null ? job.request().kind().wireName() : result.kind().wireName());
        x.put("cached", result.cached());
        x.put("worker_id", result.workerId());
        if (result.timings() != null) x.set("timings", Json.MAPPER.valueToTree(result.timings()));
        if (result.kind() == JobKind.IMAGE && result.output() != null && result.output().isObject()) {
            ObjectNode params = result.output().deepCopy(); // the image's parameters, without the PNG itself
            String png = ImageOutputs.pngField(result.output());
            if (png != null) params.remove(png);
            x.set("image", params);
        }
        return x;
    }
}
