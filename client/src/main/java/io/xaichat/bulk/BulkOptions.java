package io.xaichat.bulk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * @param input JSON Lines input, one request per line (blank lines are ignored)
 * @param output results, appended; custom_ids already in it are skipped (resume)
 * @param errors failed requests and invalid input lines of this run, with line numbers; rewritten on every run;
 *     null for none
 * @param window jobs in flight at most
 * @param timeout per-job timeout; null for the client's default of the job's kind
 * @param retryFailed remove error lines from the output and run those custom_ids again
 * @param honorModel pass an OpenAI line's {@code body.model} on to the workers (a worker serving another model
 *     answers model_mismatch); by default the worker's model serves every line
 * @param runId distinguishes this run's job and request ids from earlier runs'; null for a random one
 * @param modelMap OpenAI model name → worker model ({@code *} for every name not otherwise known), applied before
 *     the manifest's aliases
 * @param manifest the model manifest whose ids and aliases map body.model; null for the packaged one
 */
public record BulkOptions(Path input, Path output, Path errors, int window, Duration timeout, boolean retryFailed,
                          boolean honorModel, String runId, Map<String, String> modelMap, Path manifest) {
    public static final int DEFAULT_WINDOW = 64;

    public BulkOptions(Path input, Path output, Path errors, int window, Duration timeout, boolean retryFailed,
                       boolean honorModel, String runId) {
        this(input, output, errors, window, timeout, retryFailed, honorModel, runId, Map.of(), null);
    }

    public BulkOptions {
        modelMap = modelMap == null ? Map.of() : Map.copyOf(modelMap);
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (window < 1) throw new IllegalArgumentException("window must be at least 1, got " + window);
        if (runId == null) runId = UUID.randomUUID().toString().substring(0, 8);
        if (!runId.matches("[A-Za-z0-9]{1,32}")) {
            throw new IllegalArgumentException("run id '" + runId + "' must be 1 to 32 letters or digits");
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("output " + output + " must not be the input file");
        }
    }

    public static BulkOptions of(Path input, Path output) {
        return new BulkOptions(input, output, null, DEFAULT_WINDOW, null, false, false, null);
    }

    public BulkOptions withErrors(Path file) {
        return new BulkOptions(input, output, file, window, timeout, retryFailed, honorModel, runId, modelMap, manifest);
    }

    public BulkOptions withWindow(int n) {
        return new BulkOptions(input, output, errors, n, timeout, retryFailed, honorModel, runId, modelMap, manifest);
    }

    public BulkOptions withTimeout(Duration t) {
        return new BulkOptions(input, output, errors, window, t, retryFailed, honorModel, runId, modelMap, manifest);
    }

    public BulkOptions withRetryFailed(boolean retry) {
        return new BulkOptions(input, output, errors, window, timeout, retry, honorModel, runId, modelMap, manifest);
    }

    public BulkOptions withModelMap(Map<String, String> map) {
        return new BulkOptions(input, output, errors, window, timeout, retryFailed, honorModel, runId, map, manifest);
    }

    public BulkOptions withRunId(String id) {
        return new BulkOptions(input, output, errors, window, timeout, retryFailed, honorModel, id, modelMap, manifest);
    }

    public BulkOptions withHonorModel(boolean honor) {
        return new BulkOptions(input, output, errors, window, timeout, retryFailed, honor, runId, modelMap, manifest);
    }
}
