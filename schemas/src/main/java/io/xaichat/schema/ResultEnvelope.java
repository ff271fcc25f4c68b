package io.xaichat.schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The final answer to a job, published to the job's reply topic with the job_id as key.
 *
 * @param reasoningContent chat with thinking: the reasoning, apart from the answer in {@code output}
 * @param logprobs chat with logprobs: {@code {"content": [{token, logprob, bytes, top_logprobs}]}} (OpenAI's shape)
 */
public record ResultEnvelope(
        String jobId,
        ResultStatus status,
        JobKind kind,
        JsonNode output,
        Usage usage,
        Timings timings,
        boolean cached,
        String workerId,
        String model,
        String finishReason,
        ErrorInfo error,
        String reasoningContent,
        JsonNode logprobs) {

    public ResultEnvelope(String jobId, ResultStatus status, JobKind kind, JsonNode output, Usage usage, Timings timings,
                          boolean cached, String workerId, String model, String finishReason, ErrorInfo error) {
        this(jobId, status, kind, output, usage, timings, cached, workerId, model, finishReason, error, null, null);
    }

    public static ResultEnvelope error(String jobId, JobKind kind, String workerId, ErrorCode code, String message) {
        return new ResultEnvelope(jobId, ResultStatus.ERROR, kind, null, null, null, false, workerId, null, null,
                new ErrorInfo(code, message));
    }

    public boolean ok() {
        return status == ResultStatus.OK;
    }

    /** The text output of a chat or vision result; null for other outputs. */
    public String text() {
        return output != null && output.isTextual() ? output.asText() : null;
    }

    public ResultEnvelope asCached(Timings newTimings, String servingWorker) {
        return new ResultEnvelope(jobId, status, kind, output, usage, newTimings, true, servingWorker, model,
                finishReason, error, reasoningContent, logprobs);
    }

    public ResultEnvelope withJobId(String id) {
        return new ResultEnvelope(id, status, kind, output, usage, timings, cached, workerId, model, finishReason, error,
                reasoningContent, logprobs);
    }
}
