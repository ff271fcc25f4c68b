package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Partial output of a streaming job; {@code seq} starts at 0 without gaps, the last chunk has {@code final=true}. */
public record StreamChunk(String jobId, long seq, String delta, @JsonProperty("final") boolean last, Progress progress) {

    /** Image jobs: the denoising step just finished, 1-based. */
    public record Progress(int step, int steps) {}

    public static StreamChunk text(String jobId, long seq, String delta, boolean last) {
        return new StreamChunk(jobId, seq, delta, last, null);
    }
}
