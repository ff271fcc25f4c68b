package io.xaichat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real worker ({@code io.xaichat.worker.WorkerMain}) in a child JVM with this JVM's classpath, for tests that
 * kill, stop or pin workers as an operator would. Its stdout and stderr go to a log file.
 *
 * <pre>{@code
 * try (WorkerProcess w = WorkerProcess.chat("w1", model, dir).bootstrap(kafka).prefix(p).start()) {
 *     w.awaitReady(Duration.ofSeconds(60));
 *     w.kill();            // kill -9
 * }
 * }</pre>
 *
 * <p>The child inherits no {@code XAICHAT_*}, {@code KAFKA_*} or {@code REDIS_URL} variables of the test JVM: it
 * sees exactly the settings the test gives it.
 */
public final class WorkerProcess implements AutoCloseable {
    /** Logged by the worker once its consumer loop runs. */
    private static final String READY_LINE = "serving chat jobs";

    private final String workerId;
    private final Process process;
    private final Path logFile;

    private WorkerProcess(String workerId, Process process, Path logFile) {
        this.workerId = workerId;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * A chat worker with one inference thread, context 512, no cache, metrics on a free loopback port, logging to
     * {@code <dir>/<workerId>.log}.
     * Change any setting with {@link Builder#env} or {@link Builder#flag}.
     */
    public static Builder chat(String workerId, Path model, Path dir) {
        return new Builder(workerId, dir.resolve(workerId + ".log"))
                .env("XAICHAT_WORKER_ID", workerId)
                .env("XAICHAT_KINDS", "chat")
                .env("XAICHAT_CHAT_MODEL", model.toString())
                .env("XAICHAT_CHAT_THREADS", "1")
                .env("XAICHAT_CHAT_CONTEXT", "512")
                .env("REDIS_URL", "none")
                // Several workers on one machine: each its own free port for metrics and health, on loopback.
                .env("XAICHAT_METRICS_PORT", "0")
                .env("XAICHAT_METRICS_BIND", "127.0.0.1");
    }

    public String workerId() {
        return workerId;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the worker printed so far. */
    public String output() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read worker log " + logFile, e);
        }
    }

    /** Waits until the worker consumes jobs; fails with the end of its log if it exits or the time runs out. */
    public WorkerProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(READY_LINE)) {
            if (!process.isAlive()) {
                throw new AssertionError("worker " + workerId + " exited with " + process.exitValue()
                        + " before it was ready:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("worker " + workerId + " not ready within " + timeout + ":\n" + tail());
            }
            sleep(100);
        }
        return this;
    }

    /** SIGTERM: the worker finishes its running job, commits, leaves the group and exits. Returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL (kill -9): the worker dies at once, with no chance to commit or leave its group. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to exit and returns its exit code; fails if it is still running after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("worker " + workerId + " still running after " + timeout + ":\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for worker " + workerId, e);
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Kills the worker if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Settings of a worker process: environment variables (the worker's documented ones) and flags. */
    public static final class Builder {
        private final String workerId;
        private final Path logFile;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> flags = new ArrayList<>();
        private final List<String> launcher = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String maxHeap = "256m";

        private Builder(String workerId, Path logFile) {
            this.workerId = workerId;
            this.logFile = logFile;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder flag(String... args) {
            flags.addAll(List.of(args));
            return this;
        }

        /** A command the JVM runs under, e.g. {@code taskset -c 0} to bind the whole process to CPU 0. */
        public Builder launcher(String... command) {
            launcher.addAll(List.of(command));
            return this;
        }

        public Builder bootstrap(String servers) {
            return env("KAFKA_BOOTSTRAP_SERVERS", servers);
        }

        public Builder redis(String url) {
            return env("REDIS_URL", url);
        }

        public Builder prefix(String topicPrefix) {
            return env("XAICHAT_TOPIC_PREFIX", topicPrefix);
        }

        /** Options of the child JVM, e.g. {@code -Djava.io.tmpdir=...}. */
        public Builder jvmOption(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        public Builder maxHeap(String size) {
            this.maxHeap = size;
            return this;
        }

        public WorkerProcess start() {
            List<String> command = new ArrayList<>(launcher);
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + maxHeap);
            command.add("-XX:+UseSerialGC");
            command.add("-Dai.djl.offline=true");
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.xaichat.worker.WorkerMain");
            command.addAll(flags);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            pb.environment().keySet().removeIf(name -> name.startsWith("XAICHAT_") || name.startsWith("KAFKA_")
                    || name.equals("REDIS_URL"));
            pb.environment().putAll(env);
            try {
                Files.createDirectories(logFile.getParent());
                return new WorkerProcess(workerId, pb.start(), logFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start worker " + workerId + ": " + command, e);
            }
        }
    }
}
