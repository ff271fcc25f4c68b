package io.xaichat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.client.BrokerUnavailableException;
import io.xaichat.client.ImageOutputs;
import io.xaichat.client.JobTimeoutException;
import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ImageRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.schema.StreamChunk;
import io.xaichat.schema.VisionRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xaichat submit}: one job, waited for, its answer printed. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submit one job and print its answer.",
                "  chat:   --prompt TEXT [--system TEXT] [--max-tokens N] [--temperature T] [--seed N]",
                "  vision: --image FILE --question TEXT (the image travels inline as base64)",
                "  image:  --prompt TEXT --out FILE.png [--steps N] [--width W] [--height H] [--seed N]",
                "With --json, stdout holds exactly one JSON document: the result envelope, or an error object "
                        + "{job_id, status: error, error: {code, message}} with code timeout, broker_unreachable, "
                        + "submit_failed or usage (stream chunks go to stderr as JSON lines).",
                "Exit status: 0 answered, 1 the job failed (error or expired result, or it could not be sent), "
                        + "2 bad usage, 3 no answer within --timeout, 4 no Kafka broker reachable."})
public final class SubmitCommand implements Callable<Integer>, KafkaCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "chat", converter = KindConverter.class,
            description = "chat, vision or image (default: ${DEFAULT-VALUE}).")
    JobKind kind;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The prompt (chat and image).")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message (chat and vision).")
    String system;

    @Option(names = "--image", paramLabel = "FILE", description = "The image to ask about (vision).")
    Path image;

    @Option(names = "--question", paramLabel = "TEXT", description = "The question about the image (vision).")
    String question;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens to generate (chat and vision).")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 is greedy.")
    Double temperature;

    @Option(names = "--seed", paramLabel = "N", description = "Sampling or noise seed; fixed seeds make answers cacheable.")
    Long seed;

    @Option(names = "--steps", paramLabel = "N", description = "Denoising steps (image, 1 to 8).")
    Integer steps;

    @Option(names = "--width", paramLabel = "W", description = "Image width, a multiple of 8 (image).")
    Integer width;

    @Option(names = "--height", paramLabel = "H", description = "Image height, a multiple of 8 (image).")
    Integer height;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the PNG (image).")
    Path out;

    @Option(names = "--model", paramLabel = "ID", description = "Ask for this model; a worker serving another answers model_mismatch.")
    String model;

    @Option(names = "--cache", paramLabel = "POLICY", defaultValue = "auto", converter = CacheConverter.class,
            description = "auto, bypass or refresh (default: ${DEFAULT-VALUE}).")
    CachePolicy cache;

    @Option(names = "--stream", description = "Print the answer as it is generated (image: progress on stderr).")
    boolean stream;

    @Option(names = "--json", description = "Print the result envelope, or an error object, as one JSON document "
            + "(with --stream, the chunks go to stderr as JSON lines).")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the whole command may take, connecting included, e.g. 90s, 10m "
                    + "(default: chat 10m, vision 15m, image 30m; connecting at most 30s).")
    Duration timeout;

    public static final int EXIT_OK = 0;
    public static final int EXIT_JOB_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_TIMEOUT = 3;
    public static final int EXIT_NO_BROKER = 4;

    @Override
    public ConnectionOptions connection() {
        return connection;
    }

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        JobEnvelope job = JobEnvelope.of(UUID.randomUUID().toString(), kind, null, request())
                .withCache(cache);
        if (model != null) {
            job = new JobEnvelope(job.schemaVersion(), job.jobId(), kind, null, job.createdAt(), null, model, cache,
                    job.request());
        }
        checkAgainstSchema(job);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Duration budget = timeout != null ? timeout : kind.defaultTimeout();
        StreamPrinter printer = new StreamPrinter(stdout, stderr);
        ResultEnvelope result;
        try (XaiChatClient client = XaiChatClient.start(connection.clientConfig(timeout),
                min(budget, XaiChatClient.DEFAULT_CONNECT_TIMEOUT))) {
            Duration left = budget.minusNanos(System.nanoTime() - start);
            if (left.toMillis() < 1) throw new JobTimeoutException(job.jobId(), budget, client.replyTopic());
            result = client.submit(job, stream ? printer : null, left).join();
        } catch (BrokerUnavailableException e) {
            return fail(job, ErrorCode.BROKER_UNREACHABLE, e.getMessage(), EXIT_NO_BROKER);
        } catch (JobTimeoutException e) {
            return timedOut(job, budget);
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof JobTimeoutException) return timedOut(job, budget);
            if (cause instanceof BrokerUnavailableException || cause.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                return fail(job, ErrorCode.BROKER_UNREACHABLE, cause.getMessage(), EXIT_NO_BROKER);
            }
            return fail(job, ErrorCode.SUBMIT_FAILED, message(cause), EXIT_JOB_FAILED);
        } catch (RuntimeException e) {
            return fail(job, ErrorCode.SUBMIT_FAILED, message(e), EXIT_JOB_FAILED);
        }
        return print(result, printer, stdout, stderr);
    }

    private int timedOut(JobEnvelope job, Duration budget) {
        return fail(job, ErrorCode.TIMEOUT, "no result for job " + job.jobId() + " within "
                + JobTimeoutException.readable(budget) + (timeout != null ? " (--timeout)" : ""), EXIT_TIMEOUT);
    }

    /** Reports a job that got no result: one line on stderr, and with --json the error object on stdout. */
    private int fail(JobEnvelope job, ErrorCode code, String message, int exit) {
        if (json) {
            ResultEnvelope error = ResultEnvelope.error(job.jobId(), kind, null, code, message);
            spec.commandLine().getOut().println(Json.toString(error));
            spec.commandLine().getOut().flush();
        }
        spec.commandLine().getErr().println("error: " + code + ": " + message);
        spec.commandLine().getErr().flush();
        return exit;
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Object request() throws IOException {
        return switch (kind) {
            case CHAT -> {
                require(prompt, "--prompt");
                List<ChatMessage> messages = new ArrayList<>();
                if (system != null) messages.add(ChatMessage.system(system));
                messages.add(ChatMessage.user(prompt));
                yield new ChatRequest(messages, null, maxTokens, temperature, null, null, seed, null, stream ? true : null);
            }
            case VISION -> {
                require(image, "--image");
                require(question, "--question");
                if (!Files.isReadable(image)) throw usage("cannot read image file " + image);
                String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(image));
                yield new VisionRequest(new VisionRequest.ImageSource(base64, null), question, system, maxTokens,
                        temperature, null, null, seed, null, stream ? true : null);
            }
            case IMAGE -> {
                require(prompt, "--prompt");
                if (out == null && !json) throw usage("--kind image needs --out FILE.png (or --json)");
                yield new ImageRequest(prompt, steps, width, height, null, seed, stream ? true : null);
            }
        };
    }

    /** Reports what the worker would reject as a usage error now, naming the schema's complaint. */
    private void checkAgainstSchema(JobEnvelope job) {
        JsonNode tree = Json.MAPPER.valueToTree(job.withReplyTo("validation"));
        List<String> problems = new SchemaValidator().validateJob(tree);
        if (!problems.isEmpty()) throw usage("invalid " + kind.wireName() + " job: " + String.join("; ", problems));
    }

    private int print(ResultEnvelope result, StreamPrinter printer, PrintWriter stdout, PrintWriter stderr)
            throws IOException {
        byte[] png = result.ok() && kind == JobKind.IMAGE && out != null ? ImageOutputs.png(result.output()) : null;
        if (png != null) Files.write(out, png);
        if (json) {
            stdout.println(Json.toString(result));
        } else if (png != null) {
            stdout.println("wrote " + out + " (" + png.length + " bytes)" + (result.cached() ? ", from cache" : ""));
        } else if (result.ok()) {
            if (!stream) stdout.print(result.text());
            if (!stream || !printer.endedWithNewline()) stdout.println();
        }
        stdout.flush();
        if (result.ok()) return EXIT_OK;
        String code = result.error() != null ? result.error().code().wire() : result.status().wireName();
        String message = result.error() != null ? result.error().message() : "";
        // "error: engine_failure: ..." or "expired: deadline_expired: ...": the status once, then the code.
        stderr.println(result.status().wireName() + ": " + code + ": " + message);
        stderr.flush();
        return EXIT_JOB_FAILED;
    }

    /** Prints stream chunks as they arrive: text deltas to stdout, image progress to stderr, or JSON lines. */
    private final class StreamPrinter implements Consumer<StreamChunk> {
        private final PrintWriter stdout;
        private final PrintWriter stderr;
        private boolean newline = true;

        StreamPrinter(PrintWriter stdout, PrintWriter stderr) {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public synchronized void accept(StreamChunk chunk) {
            if (json) { // stdout keeps the one result document
                stderr.println(Json.toString(chunk));
                stderr.flush();
            } else if (chunk.progress() != null) {
                stderr.printf("step %d/%d%n", chunk.progress().step(), chunk.progress().steps());
                stderr.flush();
            } else if (!chunk.delta().isEmpty()) {
                stdout.print(chunk.delta());
                stdout.flush();
                newline = chunk.delta().endsWith("\n");
            }
        }

        synchronized boolean endedWithNewline() {
            return newline;
        }
    }

    private void require(Object value, String option) {
        if (value == null) throw usage("--kind " + kind.wireName() + " needs " + option);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Reads a wire name ({@code chat}, {@code bypass}) with the enum's own message for unknown values. */
    private abstract static class WireConverter<T> implements CommandLine.ITypeConverter<T> {
        private final java.util.function.Function<String, T> fromWire;

        WireConverter(java.util.function.Function<String, T> fromWire) {
            this.fromWire = fromWire;
        }

        @Override
        public T convert(String value) {
            try {
                return fromWire.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class KindConverter extends WireConverter<JobKind> {
        KindConverter() {
            super(JobKind::fromWire);
        }
    }

    static final class CacheConverter extends WireConverter<CachePolicy> {
        CacheConverter() {
            super(CachePolicy::fromWire);
        }
    }
}
