package io.xaichat.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code xaichat gateway} in a child JVM with this JVM's classpath, for tests that kill it as a crash would. */
final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/v1");

    private final Process process;
    private final Path log;

    private GatewayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code xaichat gateway <args>}. */
    static GatewayProcess start(String[] args, Path log) throws IOException {
        List<String> cli = new ArrayList<>(List.of("gateway"));
        cli.addAll(List.of(args));
        return cli(cli, Map.of(), log);
    }

    /** {@code xaichat <cli>} with only the given XAICHAT_/KAFKA_/REDIS_URL variables. */
    static GatewayProcess cli(List<String> cli, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "io.xaichat.cli.XaiChat"));
        command.addAll(cli);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(n -> n.startsWith("XAICHAT_") || n.startsWith("KAFKA_") || n.equals("REDIS_URL"));
        pb.environment().putAll(env);
        return new GatewayProcess(pb.start(), log);
    }

    /** SIGTERM, then waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("still running");
        return process.exitValue();
    }

    /** Waits for the listening line and returns the API's base URL. */
    String awaitUrl(Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(out);
            if (m.find()) return "http://127.0.0.1:" + m.group(1) + "/v1";
            if (!process.isAlive()) throw new AssertionError("gateway exited:\n" + out);
            Thread.sleep(100);
        }
        throw new AssertionError("gateway not listening within " + timeout + ":\n" + Files.readString(log));
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
