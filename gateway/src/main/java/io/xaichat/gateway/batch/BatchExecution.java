package io.xaichat.gateway.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.BulkOptions;
import io.xaichat.bulk.BulkProgress;
import io.xaichat.bulk.BulkRunner;
import io.xaichat.bulk.BulkSummary;
import io.xaichat.bulk.ResumeState;
import io.xaichat.gateway.files.FileStore;
import io.xaichat.gateway.metrics.GatewayMetrics;
import io.xaichat.gateway.tenant.TenantClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch while this gateway holds its lease, top to bottom: validate (once), run the lines with the bulk
 * runner (skipping those already settled, whoever settled them), finalize into an output and an errors file. A
 * run stopped early — lease lost, gateway shutting down — changes nothing: the next holder resumes it. Cancelling
 * and expiry end it with the lines settled so far.
 */
final class BatchExecution {
    private static final Logger log = LoggerFactory.getLogger(BatchExecution.class);

    /** Why the runner thread was interrupted. */
    enum Stop { NONE, CANCEL, EXPIRE, LEASE_LOST, SHUTDOWN }

    private final BatchStore store;
    private final FileStore files;
    private final TenantClients clients;
    private final BatchValidator validator;
    private final GatewayMetrics metrics;
    private final Path workDir;
    private final int window;
    private final Duration lineTimeout;
    private final BatchStore.Ref ref;
    private volatile Stop stop = Stop.NONE;
    private volatile Thread thread;

    BatchExecution(BatchStore store, FileStore files, TenantClients clients, BatchValidator validator,
                   GatewayMetrics metrics, Path workDir, int window, Duration lineTimeout, BatchStore.Ref ref) {
        this.store = store;
        this.files = files;
        this.clients = clients;
        this.validator = validator;
        this.metrics = metrics;
        this.workDir = workDir;
        this.window = window;
        this.lineTimeout = lineTimeout;
        this.ref = ref;
    }

    BatchStore.Ref ref() {
        return ref;
    }

    /** Asks the run to stop; the first reason given wins. */
    void stop(Stop why) {
        if (stop != Stop.NONE) return;
        stop = why;
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    void run() {
        thread = Thread.currentThread();
        try {
            Optional<ObjectNode> found = store.get(ref.tenant(), ref.id());
            if (found.isEmpty() || BatchStatus.terminal(found.get().path("status").asText())) {
                store.closed(ref);
                return;
            }
            ObjectNode batch = found.get();
            String status = batch.path("status").asText();
            if (status.equals(BatchStatus.CANCELLING)) {
                finish(BatchStatus.CANCELLED);
                return;
            }
            if (expired(batch)) {
                finish(BatchStatus.EXPIRED);
                return;
            }
            byte[] input = files.content(ref.tenant(), batch.path("input_file_id").asText()).orElse(null);
            if (status.equals(BatchStatus.VALIDATING) && !validate(input)) return;
            if (input == null) {
                fail("input_file_missing", "the input file " + batch.path("input_file_id").asText() + " was deleted");
                return;
            }
            Stop why = runLines(input, untilExpiry(batch));
            switch (why) {
                case NONE -> finish(BatchStatus.COMPLETED);
                case CANCEL -> finish(BatchStatus.CANCELLED);
                case EXPIRE -> finish(BatchStatus.EXPIRED);
                default -> log.info("batch {}: stopped ({}); another run will resume it", ref, why);
            }
        } catch (Exception e) {
            if (stop == Stop.NONE) log.warn("batch {}: run failed; it resumes on the next attempt", ref, e);
        } finally {
            thread = null;
            Thread.interrupted();
        }
    }

    private boolean expired(ObjectNode batch) {
        return batch.hasNonNull("expires_at") && Instant.now().getEpochSecond() >= batch.get("expires_at").asLong();
    }

    private boolean validate(byte[] input) {
        if (input == null) {
            fail("input_file_missing", "the input file does not exist");
            return false;
        }
        BatchValidator.Outcome outcome = validator.validate(input);
        if (!outcome.valid()) {
            long now = Instant.now().getEpochSecond();
            store.update(ref.tenant(), ref.id(), b -> {
                b.put("status", BatchStatus.FAILED).put("failed_at", now);
                b.putObject("errors").put("object", "list").set("data", outcome.errors());
                b.with("request_counts").put("total", outcome.total());
                return b;
            });
            store.closed(ref);
            log.info("batch {}: failed validation with {} error(s)", ref, outcome.errors().size());
            return false;
        }
        long now = Instant.now().getEpochSecond();
        Optional<ObjectNode> after = store.update(ref.tenant(), ref.id(), b -> {
            if (!b.path("status").asText().equals(BatchStatus.VALIDATING)) return null; // cancelled meanwhile
            b.put("status", BatchStatus.IN_PROGRESS).put("in_progress_at", now);
            b.with("request_counts").put("total", outcome.total());
            return b;
        });
        return after.isPresent() && after.get().path("status").asText().equals(BatchStatus.IN_PROGRESS);
    }

    /**
     * A line may wait as long as its batch may (a long batch on one worker keeps lines queued for hours); past the
     * batch's expiry a worker answers it expired instead of computing it.
     */
    private Duration untilExpiry(ObjectNode batch) {
        if (!batch.hasNonNull("expires_at")) return lineTimeout;
        Duration left = Duration.between(Instant.now(), Instant.ofEpochSecond(batch.get("expires_at").asLong()));
        return left.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : left;
    }

    private Stop runLines(byte[] input, Duration timeout) throws IOException {
        Path file = workDir.resolve(ref.tenant() + "-" + ref.id() + ".jsonl");
        Files.write(file, input);
        RedisBatchSink sink = new RedisBatchSink(store, ref, metrics);
        try {
            // The runner's output and errors files are not used: the sink keeps the lines in Redis.
            BulkOptions options = new BulkOptions(file, file.resolveSibling(file.getFileName() + ".unused"), null,
                    window, timeout, false, false, null).withModelMap(validator.modelMap());
            ResumeState resume = new ResumeState(store.settledKeys(ref), 0, 0);
            log.info("batch {}: running, {} line(s) already settled", ref, resume.answered().size());
            BulkSummary summary = new BulkRunner(clients.client(ref.tenant()), options, BulkProgress.NONE)
                    .runTo(resume, sink);
            if (summary.interrupted()) return stop == Stop.NONE ? Stop.SHUTDOWN : stop;
            return stop == Stop.NONE ? Stop.NONE : stop;
        } finally {
            sink.close();
            Files.deleteIfExists(file);
        }
    }

    private void fail(String code, String message) {
        long now = Instant.now().getEpochSecond();
        store.update(ref.tenant(), ref.id(), b -> {
            b.put("status", BatchStatus.FAILED).put("failed_at", now);
            b.putObject("errors").put("object", "list").putArray("data").addObject()
                    .put("code", code).put("message", message).putNull("param").putNull("line");
            return b;
        });
        store.closed(ref);
    }

    /** Writes the output and errors files of the lines settled so far and enters {@code terminal}. */
    private void finish(String terminal) {
        if (terminal.equals(BatchStatus.COMPLETED)) {
            long now = Instant.now().getEpochSecond();
            store.update(ref.tenant(), ref.id(), b -> b.put("status", BatchStatus.FINALIZING).put("finalizing_at", now));
        }
        long completed = store.completedCount(ref);
        long failed = store.failedCount(ref);
        String outputId = completed == 0 ? null : files.create(ref.tenant(), ref.id() + "_output.jsonl", "batch_output",
                store.lines(ref, false)).get("id").asText();
        String errorId = failed == 0 && store.warningCount(ref) == 0 ? null : files.create(ref.tenant(), ref.id() + "_error.jsonl", "batch_output",
                store.lines(ref, true)).get("id").asText();
        long now = Instant.now().getEpochSecond();
        store.update(ref.tenant(), ref.id(), b -> {
            if (BatchStatus.terminal(b.path("status").asText())) return null;
            b.put("status", terminal).put(BatchStatus.timestampField(terminal), now);
            if (outputId != null) b.put("output_file_id", outputId);
            if (errorId != null) b.put("error_file_id", errorId);
            b.with("request_counts").put("completed", completed).put("failed", failed);
            return b;
        });
        store.closed(ref);
        log.info("batch {}: {} ({} completed, {} failed)", ref, terminal, completed, failed);
    }
}
