package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.ChatEngineKind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The worker's settings as its command line reads them: precedence, defaults, and problems reported together. */
class WorkerSettingsTest {

    @Command(modelTransformer = WorkerSettings.Options.class)
    static final class Flags {}

    /** Parses {@code args} with the generated options, then reads them over {@code env}. */
    private static StartupConfig read(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new Flags());
        cli.parseArgs(args);
        return StartupConfig.read(WorkerSettings.ALL, cli.getCommandSpec(), env);
    }

    private static StartupConfig read(String... args) {
        return read(Map.of(), args);
    }

    private static String problems(Map<String, String> env, String... args) {
        try {
            read(env, args);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no configuration error for " + String.join(" ", args) + " " + env);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        StartupConfig c = read();
        assertThat(c.metrics().getPort()).isEqualTo(WorkerSettings.DEFAULT_METRICS_PORT);
        assertThat(c.metrics().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(c.logFormat()).isEqualTo("text");
        assertThat(c.worker().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.worker().kinds()).containsExactly(JobKind.CHAT);
        assertThat(c.worker().topicPartitions()).isEqualTo(12);
        assertThat(c.worker().redisUrl()).hasToString("redis://localhost:6379");
        assertThat(c.worker().cacheTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.worker().throughput().concurrency(JobKind.CHAT, 4)).isEqualTo(4);
        assertThat(c.worker().throughput().concurrency(JobKind.VISION, 4)).isEqualTo(1);
        assertThat(c.worker().throughput().maxBufferedRecords()).isEqualTo(1000);
        assertThat(c.worker().throughput().commitInterval()).isEqualTo(Duration.ofMillis(100));
        ChatEngineConfig chat = c.engines().chat();
        assertThat(chat.engine()).isEqualTo(ChatEngineKind.LLAMA_CPP);
        assertThat(chat.slots()).isEqualTo(ChatEngineConfig.DEFAULT_SLOTS);
        assertThat(chat.model()).isEqualTo(java.nio.file.Path.of("models", WorkerSettings.DEFAULT_CHAT_MODEL));
        assertThat(c.engines().vision()).as("only enabled kinds' engines").isNull();
        assertThat(read("--no-metrics").metrics()).isNull();
    }

    @Test
    void aFlagBeatsItsVariableWhichBeatsTheDefault() {
        Map<String, String> env = Map.of("XAICHAT_METRICS_PORT", "9402", "KAFKA_BOOTSTRAP_SERVERS", "env-broker:9092");
        StartupConfig flagged = read(env, "--metrics-port", "9401", "--bootstrap-servers", "flag-broker:9092");
        assertThat(flagged.metrics().getPort()).isEqualTo(9401);
        assertThat(flagged.worker().bootstrapServers()).isEqualTo("flag-broker:9092");
        assertThat(flagged.values().source(WorkerSettings.BOOTSTRAP_SERVERS)).isEqualTo(ConfigValues.Source.FLAG);
        StartupConfig fromEnv = read(env);
        assertThat(fromEnv.metrics().getPort()).isEqualTo(9402);
        assertThat(fromEnv.worker().bootstrapServers()).isEqualTo("env-broker:9092");
        assertThat(fromEnv.values().isSet(WorkerSettings.BOOTSTRAP_SERVERS)).isTrue();
        // A blank variable counts as unset, as ${VAR:-default} does.
        StartupConfig blank = read(Map.of("XAICHAT_METRICS_PORT", " "));
        assertThat(blank.metrics().getPort()).isEqualTo(WorkerSettings.DEFAULT_METRICS_PORT);
        assertThat(blank.values().isSet(WorkerSettings.BOOTSTRAP_SERVERS)).isFalse();
    }

    @Test
    void metricsPort70000NamesTheFlagAndTheVariable() {
        assertThat(problems(Map.of(), "--metrics-port", "70000"))
                .contains("--metrics-port (XAICHAT_METRICS_PORT): 70000 is not a port (1-65535, or 0 for any free port)");
        assertThat(problems(Map.of("XAICHAT_METRICS_PORT", "70000")))
                .contains("--metrics-port (XAICHAT_METRICS_PORT): 70000 is not a port");
    }

    @Test
    void anUnknownLogFormatIsAConfigurationError() {
        assertThat(problems(Map.of("XAICHAT_LOG_FORMAT", "xml")))
                .contains("--log-format (XAICHAT_LOG_FORMAT): 'xml' is not one of text, json");
    }

    @Test
    void parseErrorsDoNotHideRangeErrors() {
        String all = problems(Map.of("XAICHAT_TOPIC_PARTITIONS", "0"), "--chat-context", "lots",
                "--metrics-port", "70000", "--cache-ttl", "soon", "--bootstrap-servers", "broker");
        assertThat(all).contains("--chat-context (XAICHAT_CHAT_CONTEXT): 'lots' is not a whole number")
                .contains("--partitions (XAICHAT_TOPIC_PARTITIONS): 0 is below the minimum 1")
                .contains("--metrics-port (XAICHAT_METRICS_PORT): 70000 is not a port")
                .contains("--cache-ttl (XAICHAT_CACHE_TTL): 'soon' is not a duration")
                .contains("--bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS): 'broker' is not host:port");
    }

    @Test
    void everyEngineProblemIsReportedWithItsFlagAndVariable() {
        String all = problems(Map.of("XAICHAT_VISION_MAX_TOKENS", "0"), "--kinds", "chat,vision,image",
                "--chat-slots", "0", "--chat-engine", "ollama", "--chat-context", "256",
                "--chat-max-prompt-tokens", "300", "--vision-min-pixels", "5000", "--vision-max-pixels", "4000",
                "--image-default-size", "100", "--image-max-size", "512", "--llama-lib-dir", "/nonexistent/llama");
        assertThat(all).contains("--chat-slots (XAICHAT_CHAT_SLOTS): 0 is not between 1 and 64")
                .contains("--chat-engine (XAICHAT_CHAT_ENGINE): 'ollama' is not one of llama-cpp, java-llama-cpp")
                .contains("--vision-max-tokens (XAICHAT_VISION_MAX_TOKENS): 0 is below the minimum 1")
                .contains("--image-default-size (XAICHAT_IMAGE_DEFAULT_SIZE): 100 is not a multiple of 64");
        String cross = problems(Map.of(), "--kinds", "chat,vision,image", "--chat-context", "256",
                "--chat-max-prompt-tokens", "300", "--vision-min-pixels", "5000", "--vision-max-pixels", "4000",
                "--image-default-size", "768", "--image-max-size", "512", "--llama-lib-dir", "/nonexistent/llama");
        assertThat(cross)
                .contains("--chat-max-prompt-tokens (XAICHAT_CHAT_MAX_PROMPT_TOKENS): 300 is not below "
                        + "--chat-context (XAICHAT_CHAT_CONTEXT) 256")
                .contains("--llama-lib-dir (XAICHAT_LLAMA_LIB_DIR): /nonexistent/llama is not a directory")
                .contains("--vision-min-pixels (XAICHAT_VISION_MIN_PIXELS): 5000 is above "
                        + "--vision-max-pixels (XAICHAT_VISION_MAX_PIXELS) 4000")
                .contains("--image-default-size (XAICHAT_IMAGE_DEFAULT_SIZE): 768 is above "
                        + "--image-max-size (XAICHAT_IMAGE_MAX_SIZE) 512");
    }

    @Test
    void negativeChatThreadsAreRefusedNotTakenAsAuto() {
        assertThat(problems(Map.of(), "--chat-threads", "-1"))
                .contains("--chat-threads (XAICHAT_CHAT_THREADS): -1 is below the minimum 0");
        assertThat(problems(Map.of("XAICHAT_IMAGE_THREADS", "-2"), "--kinds", "image"))
                .contains("--image-threads (XAICHAT_IMAGE_THREADS): -2 is below the minimum 0");
        assertThat(read("--chat-threads", "1").engines().chat().threads()).isEqualTo(1);
    }

    @Test
    void settingsOfDisabledKindsAreStillCheckedButTheirEnginesAreNotBuilt() {
        assertThat(problems(Map.of("XAICHAT_IMAGE_MAX_SIZE", "big")))
                .contains("--image-max-size (XAICHAT_IMAGE_MAX_SIZE): 'big' is not a whole number");
        assertThat(read("--kinds", "chat,vision", "--no-vision").engines().vision()).isNull();
    }

    @Test
    void theEngineAndSlotsAreChosenByFlag() {
        ChatEngineConfig java = read("--chat-engine=java-llama-cpp").engines().chat();
        assertThat(java.engine()).isEqualTo(ChatEngineKind.JAVA_LLAMA_CPP);
        assertThat(java.slots()).as("java-llama.cpp serves one job at a time").isEqualTo(1);
        assertThat(read("--chat-slots=2").engines().chat().slots()).isEqualTo(2);
    }

    @Test
    void concurrencyAndCommitSettingsReachTheRuntime() {
        ThroughputConfig set = read("--chat-concurrency=3", "--vision-concurrency=2", "--max-buffered-records=50",
                "--commit-interval=1s").worker().throughput();
        assertThat(set.concurrency(JobKind.CHAT, 8)).isEqualTo(3);
        assertThat(set.concurrency(JobKind.VISION, 1)).isEqualTo(2);
        assertThat(set.maxBufferedRecords()).isEqualTo(50);
        assertThat(set.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(problems(Map.of(), "--image-concurrency=-1", "--max-buffered-records=0", "--commit-interval=0ms"))
                .contains("--image-concurrency (XAICHAT_IMAGE_CONCURRENCY): -1 is below the minimum 0")
                .contains("--max-buffered-records (XAICHAT_MAX_BUFFERED_RECORDS): 0 is below the minimum 1")
                .contains("--commit-interval (XAICHAT_COMMIT_INTERVAL): PT0S is not positive");
    }

    @Test
    void aWorkerConfigCanBeBuiltFromAMapOfSettings() {
        WorkerConfig c = StartupConfig.worker(Map.of("kinds", "vision,image", "partitions", "3", "redis-url", "none"));
        assertThat(c.kinds()).containsExactlyInAnyOrder(JobKind.VISION, JobKind.IMAGE);
        assertThat(c.topicPartitions()).isEqualTo(3);
        assertThat(c.redisUrl()).isNull();
        assertThatThrownBy(() -> StartupConfig.worker(Map.of("partitionz", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'partitionz'");
    }
}
