package io.xaichat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code xaichat-worker} as a process with bad settings: one message naming every bad flag and variable, no stack
 * trace, exit code 2, and nothing contacted first.
 */
class WorkerMainSettingsTest {
    record Run(int exit, String err, String out) {}

    private static Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The packaged logging configuration, as a deployed worker has it (tests have logback-test.xml).
                "-Dlogback.configurationFile=" + WorkerMain.class.getResource("/logback.xml"),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()));
        command.addAll(List.of(args));
        Path out = java.nio.file.Files.createTempFile("worker-out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("XAICHAT_") || k.equals("KAFKA_BOOTSTRAP_SERVERS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stdout = java.nio.file.Files.readString(out);
        java.nio.file.Files.delete(out);
        return new Run(p.exitValue(), err, stdout);
    }

    private static void assertNoStackTrace(Run run) {
        assertThat(run.err()).doesNotContain("Exception").doesNotMatch("(?s).*\\n\\s+at [a-z].*");
    }

    @Test
    void anUnknownLogFormatExitsWith2AndNoStackTrace() throws Exception {
        Run run = run(Map.of("XAICHAT_LOG_FORMAT", "xml"), "--no-metrics");
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("--log-format (XAICHAT_LOG_FORMAT): 'xml' is not one of text, json");
        assertThat(run.err().strip().lines()).as("only the message").hasSize(2);
        assertThat(run.out()).as("no logback start-up status dump").doesNotContain("ch.qos.logback");
        assertNoStackTrace(run);
    }

    @Test
    void aBadMetricsPortIsReportedBeforeTheBrokerIsContacted() throws Exception {
        try (ServerSocket broker = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Run run = run(Map.of("XAICHAT_CHAT_THREADS", "-1"), "--metrics-port", "70000",
                    "--bootstrap-servers", "127.0.0.1:" + broker.getLocalPort(), "--chat-context", "lots");
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.err())
                    .contains("--metrics-port (XAICHAT_METRICS_PORT): 70000 is not a port")
                    .contains("--chat-threads (XAICHAT_CHAT_THREADS): -1 is below the minimum 0")
                    .contains("--chat-context (XAICHAT_CHAT_CONTEXT): 'lots' is not a whole number");
            assertNoStackTrace(run);
            broker.setSoTimeout(200);
            boolean contacted;
            try {
                broker.accept().close();
                contacted = true;
            } catch (SocketTimeoutException e) {
                contacted = false;
            }
            assertThat(contacted).as("a Kafka client connected before the settings were checked").isFalse();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMetricsPortInUseIsAMessageNotAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Run run = run(Map.of(), "--metrics-port", String.valueOf(taken.getLocalPort()), "--metrics-bind",
                    "127.0.0.1", "--bootstrap-servers", "127.0.0.1:1");
            assertThat(run.exit()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).contains("cannot listen for metrics and health checks on 127.0.0.1:"
                    + taken.getLocalPort()).contains("--metrics-port");
            assertThat(run.err()).doesNotMatch("(?s).*\\n\\s+at [a-z].*");
        }
    }
}
