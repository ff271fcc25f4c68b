package io.xaichat.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** No result arrived for a job within its timeout; the job may still be computed, its late answer is dropped. */
public final class JobTimeoutException extends TimeoutException {
    private final String jobId;
    private final Duration timeout;

    public JobTimeoutException(String jobId, Duration timeout, String replyTopic) {
        super("no result for job " + jobId + " within " + readable(timeout) + " on reply topic " + replyTopic);
        this.jobId = jobId;
        this.timeout = timeout;
    }

    /** {@code 10m}, {@code 1h30m}, {@code 2.5s} rather than ISO-8601's {@code PT10M}. */
    public static String readable(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    public String jobId() {
        return jobId;
    }

    public Duration timeout() {
        return timeout;
    }
}
