package io.xaichat.cli;

import io.xaichat.bulk.BulkOptions;
import io.xaichat.bulk.BulkProgress;
import io.xaichat.bulk.BulkRunner;
import io.xaichat.bulk.BulkSummary;
import io.xaichat.client.XaiChatClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xaichat bulk}: offline bulk generation from a JSON Lines file. */
@Command(name = "bulk", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run every request of a JSON Lines file and write the answers as they arrive.",
                "Input lines: OpenAI Batch requests (custom_id, method POST, url /v1/chat/completions, body) or "
                        + "xaichat jobs ({custom_id, kind, request} or a job envelope).",
                "Output lines: the OpenAI Batch output shape (id, custom_id, response{status_code, request_id, body} "
                        + "or error{code, message}), in completion order. A rerun skips custom_ids already in the "
                        + "output and appends the rest.",
                "Exit status: 0 every line answered, 1 some lines failed or were invalid, 2 bad usage, "
                        + "130 interrupted."})
public final class BulkCommand implements Callable<Integer>, KafkaCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "INPUT.jsonl", description = "The requests, one JSON object per line.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "RESULTS.jsonl",
            description = "Where answers are appended (created if missing).")
    Path output;

    @Option(names = "--errors", paramLabel = "ERRORS.jsonl",
            description = "Failed requests and invalid input lines of this run, with their line numbers "
                    + "(rewritten on every run).")
    Path errors;

    @Option(names = "--window", paramLabel = "N", defaultValue = "" + BulkOptions.DEFAULT_WINDOW,
            description = "Jobs in flight at most (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Per-job timeout, e.g. 10m (default: chat 10m, vision 15m, image 30m).")
    Duration timeout;

    @Option(names = "--retry-failed",
            description = "Remove error lines from the output and run those custom_ids again.")
    boolean retryFailed;

    @Option(names = "--model-map", paramLabel = "NAME=MODEL", split = ",",
            description = "Map an OpenAI line's body.model to a worker model, e.g. gpt-4o-mini=qwen2.5-1.5b-instruct-q4_k_m; "
                    + "'*=MODEL' maps every name not otherwise known. Repeatable. Without a mapping, a model the "
                    + "workers advertise or a manifest id/alias is used; any other name is answered by the workers' "
                    + "model with a warning.")
    java.util.Map<String, String> modelMap = new java.util.LinkedHashMap<>();

    @Option(names = "--manifest", paramLabel = "FILE", defaultValue = "${env:XAICHAT_MANIFEST}",
            description = "Model manifest whose ids and aliases map body.model (default: the packaged one).")
    Path manifest;

    @Option(names = "--honor-model",
            description = "Pass an unmapped body.model on to the workers as is (a worker serving another model "
                    + "answers model_mismatch) instead of answering it with the workers' model.")
    boolean honorModel;

    @Option(names = "--no-progress", description = "No progress bar (the summary is still printed).")
    boolean noProgress;

    @Override
    public ConnectionOptions connection() {
        return connection;
    }

    @Override
    public Integer call() throws IOException {
        BulkOptions options;
        try {
            options = new BulkOptions(input, output, errors, window, timeout, retryFailed, honorModel, null, modelMap,
                    manifest);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Thread runner = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: stop submitting and close the files before the JVM goes, so no in-flight job is written as failed.
        Thread hook = new Thread(() -> {
            runner.interrupt();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // the JVM is going down anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        BulkSummary summary;
        try (XaiChatClient client = XaiChatClient.start(connection.clientConfig(timeout))) {
            summary = new BulkRunner(client, options, noProgress ? BulkProgress.NONE : BulkProgress.console()).run();
            Thread.interrupted(); // handled: let the client close cleanly
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already running
            }
        }
        out.println(summary.describe());
        out.println("  output: " + output + (errors != null ? ", errors: " + errors : ""));
        out.flush();
        if (summary.interrupted()) return 130;
        return summary.failed() + summary.invalid() > 0 ? 1 : 0;
    }
}
