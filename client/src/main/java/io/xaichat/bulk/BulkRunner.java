package io.xaichat.bulk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.client.JobTimeoutException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import io.xaichat.client.WorkerAdverts;
import io.xaichat.models.ModelManifest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Offline bulk generation: reads a JSON Lines file of requests, keeps at most {@code window} jobs in flight on the
 * given client, and appends each answer to the output file as it arrives (in completion order, not input order).
 *
 * <ol>
 *   <li>Resume: custom_ids already in the output are skipped; a torn last line is cut off first.</li>
 *   <li>Each line is parsed and checked; an invalid line goes to the errors file with its line number.</li>
 *   <li>Valid requests are submitted as jobs; every answer, error or timeout becomes exactly one output line, and
 *       failures are also written to the errors file.</li>
 * </ol>
 * The client is the caller's: the runner neither starts nor closes it. Interrupting the calling thread stops the
 * run at once; the lines already written stay, and a rerun completes the rest.
 */
public final class BulkRunner {
    private final XaiChatClient client;
    private final BulkOptions options;
    private final BulkProgress progress;
    /** How long a run waits for the workers' adverts before going on without them. */
    static final Duration ADVERTS_WAIT = Duration.ofSeconds(5);

    private final Clock clock = Clock.systemUTC();
    private final Map<String, AtomicLong> warningsByField = new ConcurrentHashMap<>();

    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong cached = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();
    private final AtomicReference<UncheckedIOException> writeFailure = new AtomicReference<>();
    private long lines;

    public BulkRunner(XaiChatClient client, BulkOptions options, BulkProgress progress) {
        this.client = client;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs the whole file. Returns early, with {@link BulkSummary#interrupted()} set and the thread's interrupt flag
     * restored, if the thread is interrupted.
     *
     * @throws IOException if the input cannot be read or a result cannot be written
     */
    public BulkSummary run() throws IOException {
        if (!Files.isReadable(options.input())) throw new IOException("cannot read input file " + options.input());
        ResumeState resume = ResumeState.load(options.output(), options.retryFailed());
        try (JsonlWriter out = JsonlWriter.append(options.output());
             JsonlWriter errors = options.errors() == null ? null : JsonlWriter.truncate(options.errors())) {
            return runTo(resume, BulkSink.files(out, errors));
        }
    }

    /**
     * Runs the input file against a sink of the caller's: lines whose custom_id {@code resume} already answered are
     * skipped, every other line ends in exactly one call of the sink. {@link BulkOptions#output()} and
     * {@link BulkOptions#errors()} are not used.
     */
    public BulkSummary runTo(ResumeState resume, BulkSink sink) throws IOException {
        long start = System.nanoTime();
        if (!Files.isReadable(options.input())) throw new IOException("cannot read input file " + options.input());
        lines = countLines(options.input());
        InFlightWindow window = new InFlightWindow(options.window());
        BulkLineParser parser = parser();
        boolean interrupted = false;
        progress.start(lines);
        try (BufferedReader in = reader(options.input())) {
            Map<String, Integer> firstLine = new HashMap<>();
            String text;
            int lineNo = 0;
            while ((text = in.readLine()) != null && writeFailure.get() == null) {
                lineNo++;
                if (text.isBlank()) continue;
                ParsedLine parsed = parser.parse(lineNo, text);
                if (parsed.customId() != null) {
                    Integer seen = firstLine.putIfAbsent(parsed.customId(), lineNo);
                    if (seen != null) {
                        parsed = new ParsedLine.Invalid(lineNo, parsed.customId(), BulkLineParser.DUPLICATE_CUSTOM_ID,
                                "custom_id '" + parsed.customId() + "' was already used on line " + seen);
                    }
                }
                if (parsed instanceof ParsedLine.Invalid bad) {
                    sink.invalid(ResultLines.invalid(bad, options.runId()));
                    count(invalid);
                } else if (resume.isAnswered(parsed.customId())) {
                    count(skipped);
                } else {
                    BulkJob job = BulkJob.of((ParsedLine.Request) parsed, options.runId());
                    report(job, sink);
                    window.acquire();
                    submit(job, window, sink);
                }
            }
            window.awaitIdle();
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
        } finally {
            progress.close();
        }
        if (writeFailure.get() != null) throw writeFailure.get().getCause();
        return snapshot(Duration.ofNanos(System.nanoTime() - start), interrupted);
    }

    /**
     * The parser for this run: body.model mapped by --model-map, the workers' adverts and the manifest; limits
     * checked against what the workers advertise (nothing is checked when none advertise).
     */
    private BulkLineParser parser() {
        WorkerAdverts adverts = WorkerAdverts.read(client.config(), ADVERTS_WAIT);
        ModelManifest manifest;
        try {
            manifest = ModelManifest.load(options.manifest());
        } catch (RuntimeException e) {
            manifest = null; // no aliases: explicit maps and advertised models still apply
        }
        return new BulkLineParser(new SchemaValidator(),
                new ModelResolver(options.modelMap(), manifest, adverts, options.honorModel()), adverts);
    }

    /** Fields ignored or served differently: one errors-file line per input line, counted per field. */
    private void report(BulkJob job, BulkSink sink) {
        if (job.request().warnings().isEmpty()) return;
        sink.warned(ResultLines.warnings(job));
        for (LineWarning w : job.request().warnings()) {
            warningsByField.computeIfAbsent(w.param(), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private void submit(BulkJob job, InFlightWindow window, BulkSink sink) {
        Duration timeout = options.timeout() != null ? options.timeout() : client.config().timeout(job.request().kind());
        try {
            client.submit(job.envelope(clock.instant()), null, timeout)
                    .whenComplete((result, error) -> {
                        try {
                            settle(job, result, error, sink);
                        } finally {
                            window.release();
                        }
                    });
        } catch (RuntimeException e) {
            settle(job, null, e, sink);
            window.release();
        }
    }

    /** Writes a job's one output line (and its errors-file line if it failed) and counts it. */
    private void settle(BulkJob job, ResultEnvelope result, Throwable error, BulkSink sink) {
        try {
            if (result != null && result.ok()) {
                if (!sink.answered(ResultLines.answer(job, result, clock.instant().getEpochSecond()))) return;
                if (result.cached()) cached.incrementAndGet();
                if (result.usage() != null) {
                    promptTokens.addAndGet(result.usage().promptTokens());
                    completionTokens.addAndGet(result.usage().completionTokens());
                }
                count(succeeded);
                return;
            }
            ObjectNode line = result != null
                    ? ResultLines.failure(job, result.error() != null ? result.error().code().wire() : result.status().wireName(),
                            result.error() != null ? result.error().message() : "job ended with status " + result.status().wireName())
                    : ResultLines.failure(job, failureCode(error), failureMessage(error));
            if (!sink.failed(line, job.request().line())) return;
            count(failed);
        } catch (UncheckedIOException e) {
            writeFailure.compareAndSet(null, e);
        }
    }

    private static String failureCode(Throwable error) {
        return (unwrap(error) instanceof JobTimeoutException ? ErrorCode.TIMEOUT : ErrorCode.SUBMIT_FAILED).wire();
    }

    private static String failureMessage(Throwable error) {
        Throwable cause = unwrap(error);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private void count(AtomicLong counter) {
        counter.incrementAndGet();
        progress.update(snapshot(Duration.ZERO, false));
    }

    private BulkSummary snapshot(Duration wall, boolean interrupted) {
        return new BulkSummary(lines, succeeded.get(), failed.get(), invalid.get(), skipped.get(), cached.get(),
                promptTokens.get(), completionTokens.get(), wall, client.stats().duplicatesDropped(), interrupted,
                warningsByField.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> e.getValue().get())));
    }

    private static long countLines(Path input) throws IOException {
        long n = 0;
        try (BufferedReader r = reader(input)) {
            String line;
            while ((line = r.readLine()) != null) if (!line.isBlank()) n++;
        }
        return n;
    }

    /** Malformed UTF-8 becomes U+FFFD: such a line then fails as bad JSON with its number instead of ending the run. */
    private static BufferedReader reader(Path input) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(input), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
    }
}
