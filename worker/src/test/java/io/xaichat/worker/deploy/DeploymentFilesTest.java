package io.xaichat.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xaichat.worker.config.Durations;
import io.xaichat.worker.config.Setting;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.config.WorkerSettings;
import io.xaichat.worker.logging.LogAppenderChoice;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files (Dockerfile, docker-compose.yml, the systemd environment example, the Prometheus config) use
 * only settings the worker reads, with values it accepts, and agree with each other on ports and paths. No Docker
 * engine is needed: the files are parsed, and the worker's own option parsing checks the values.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Read by something other than the worker's options: the launchers' JVM options, and DJL (see FIELD-NOTES). */
    private static final Set<String> READ_OUTSIDE_OPTIONS = Set.of("XAICHAT_JAVA_OPTS", "OPT_OUT_TRACKING");
    private static final String MODELS_MOUNT = "/models";

    /** Environment variable → the flag it is the default of. */
    static Map<String, String> flagOfEnv;
    static JsonNode compose;

    @BeforeAll
    static void read() throws Exception {
        flagOfEnv = new HashMap<>();
        for (Setting<?> setting : WorkerSettings.ALL.settings()) {
            if (setting.env() != null) flagOfEnv.put(setting.env(), setting.flag());
        }
        // SnakeYAML resolves the anchors and merge keys (<<: *worker) that Jackson's YAML parser leaves unresolved.
        Object yaml = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        compose = new ObjectMapper().valueToTree(yaml);
    }

    @Test
    void theDefinitionsCoverTheWorkerMetricsLoggingAndEngineSettings() {
        assertThat(flagOfEnv).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "--bootstrap-servers")
                .containsEntry("XAICHAT_METRICS_PORT", "--metrics-port")
                .containsEntry(LogAppenderChoice.FORMAT_ENV, "--log-format")
                .containsEntry(LogAppenderChoice.FILE_ENV, "--log-file");
    }

    @Test
    void composeWorkersUseOnlySettingsTheWorkerReadsWithValuesItAccepts() {
        Map<String, JsonNode> workers = workerImageServices();
        assertThat(workers).containsKeys("worker", "worker-core0", "worker-core1", "bulk", "models");
        workers.forEach((name, service) -> {
            Map<String, String> env = env(service.path("environment"));
            // The gateway's own settings are checked against its options by the gateway module (GatewayOptionsTest).
            if (name.equals("gateway")) env.keySet().removeIf(n -> n.startsWith("XAICHAT_GATEWAY_"));
            assertThat(unread(env.keySet())).as("settings of service %s the worker does not read", name).isEmpty();
            if (runsTheWorker(service)) parseAsTheWorkerDoes(name, env);
        });
    }

    @Test
    void dockerfileAndSystemdEnvironmentUseOnlySettingsTheWorkerReads() throws IOException {
        Map<String, String> imageEnv = dockerfileEnv();
        assertThat(imageEnv).containsKeys("XAICHAT_MODELS_DIR", "XAICHAT_METRICS_PORT");
        assertThat(unread(imageEnv.keySet())).as("Dockerfile ENV the worker does not read").isEmpty();
        assertThat(imageEnv).containsEntry("XAICHAT_MODELS_DIR", MODELS_MOUNT);

        Path example = ROOT.resolve("deploy/systemd/worker.env.example");
        assertThat(unread(envFile(example, true).keySet())).as("systemd settings the worker does not read").isEmpty();
        Map<String, String> systemd = envFile(example, false);
        parseAsTheWorkerDoes("systemd", systemd);
        // The unit pins to the same CPUs the chat threads are told to use.
        String unit = Files.readString(ROOT.resolve("deploy/systemd/xaichat-worker.service"));
        assertThat(unit).contains("CPUAffinity=" + systemd.get("XAICHAT_CHAT_CPUS"))
                .contains("EnvironmentFile=").contains("Restart=always").contains("MemoryMax=")
                .contains("io.xaichat.worker.WorkerMain");
        assertThat(seconds(unit, "TimeoutStopSec=")).isGreaterThan(Durations.parse(systemd.get("XAICHAT_SHUTDOWN_GRACE")).toSeconds());
    }

    @Test
    void everyMetricsPortIsTheOneTheWorkerListensOn() throws IOException {
        int port = WorkerSettings.DEFAULT_METRICS_PORT;
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfileEnv()).containsEntry("XAICHAT_METRICS_PORT", Integer.toString(port));
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + port + "$");
        assertThat(dockerfile).contains("http://127.0.0.1:" + port + "/readyz");

        for (var e : workerImageServices().entrySet()) {
            JsonNode service = e.getValue();
            if (!runsTheWorker(service)) continue;
            assertThat(env(service.path("environment"))).containsEntry("XAICHAT_METRICS_PORT", Integer.toString(port));
            assertThat(service.path("healthcheck").path("test").toString()).contains("127.0.0.1:" + port + "/readyz");
            // Scalable: no fixed name, no host port.
            assertThat(service.has("container_name")).as(e.getKey() + " container_name").isFalse();
            assertThat(service.has("ports")).as(e.getKey() + " ports").isFalse();
            assertThat(service.path("restart").asText()).isEqualTo("unless-stopped");
            assertThat(Durations.parse(service.path("stop_grace_period").asText()))
                    .isGreaterThan(Durations.parse(env(service.path("environment")).get("XAICHAT_SHUTDOWN_GRACE")));
        }
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        assertThat(prometheus).contains("port: " + port);
        assertThat(compose.path("services").path("prometheus").path("volumes").get(0).asText())
                .startsWith("./deploy/prometheus/prometheus.yml:");
    }

    @Test
    void workersReachKafkaAndRedisOnTheirListeners() {
        JsonNode services = compose.path("services");
        Map<String, String> kafka = env(services.path("kafka").path("environment"));
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.1.1");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        // The id the log directory is formatted with must be a valid Kafka UUID that reads back unchanged.
        assertThat(Uuid.fromString(kafka.get("CLUSTER_ID")).toString()).isEqualTo(kafka.get("CLUSTER_ID"));
        // Image results are up to 16 MB records.
        assertThat(Integer.parseInt(kafka.get("KAFKA_MESSAGE_MAX_BYTES"))).isGreaterThanOrEqualTo(16 << 20);

        for (var e : workerImageServices().entrySet()) {
            Map<String, String> env = env(e.getValue().path("environment"));
            if (!env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) continue;
            for (String server : env.get("KAFKA_BOOTSTRAP_SERVERS").split(",")) {
                URI address = URI.create("kafka://" + server);
                assertThat(services.has(address.getHost())).as("service %s", address.getHost()).isTrue();
                assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).contains("://" + server);
                assertThat(kafka.get("KAFKA_LISTENERS")).contains("PLAINTEXT://:" + address.getPort());
            }
            if (env.containsKey("REDIS_URL")) {
                URI redis = URI.create(env.get("REDIS_URL"));
                assertThat(services.has(redis.getHost())).isTrue();
                assertThat(redis.getPort()).isEqualTo(6379);
            }
        }
        for (String name : List.of("kafka", "redis", "worker")) {
            assertThat(services.path(name).has("healthcheck")).as(name + " healthcheck").isTrue();
        }
        assertThat(services.path("worker").path("depends_on").path("kafka").path("condition").asText())
                .isEqualTo("service_healthy");
    }

    @Test
    void modelPathsPointIntoTheReadOnlyModelsMountAtFilesTheManifestKnows() throws IOException {
        Set<String> manifestPaths = manifestPaths();
        for (var e : workerImageServices().entrySet()) {
            JsonNode service = e.getValue();
            Map<String, String> env = env(service.path("environment"));
            List<String> volumes = new ArrayList<>();
            service.path("volumes").forEach(v -> volumes.add(v.asText()));
            for (var setting : env.entrySet()) {
                if (!setting.getKey().endsWith("_MODEL") && !setting.getKey().equals("XAICHAT_MODELS_DIR")) continue;
                String path = setting.getValue();
                assertThat(path).as(setting.getKey()).startsWith(MODELS_MOUNT);
                assertThat(volumes).as("volumes of %s", e.getKey()).anyMatch(v -> v.startsWith("./models:" + MODELS_MOUNT));
                String relative = path.equals(MODELS_MOUNT) ? "" : path.substring(MODELS_MOUNT.length() + 1);
                assertThat(manifestPaths).as("%s=%s in models/manifest.yaml", setting.getKey(), path)
                        .anyMatch(p -> p.equals(relative) || p.startsWith(relative.isEmpty() ? "" : relative + "/"));
            }
            // Workers only read models; the download service writes them.
            if (runsTheWorker(service)) assertThat(volumes).contains("./models:" + MODELS_MOUNT + ":ro");
        }
        // Unset in the worker services, the chat model's default under the models directory is a manifest file too.
        assertThat(manifestPaths).contains(WorkerSettings.DEFAULT_CHAT_MODEL);
    }

    @Test
    void theImageAndTheUnitRunWhatTheBuildProduces() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String unit = Files.readString(ROOT.resolve("deploy/systemd/xaichat-worker.service"));
        String pom = Files.readString(ROOT.resolve("worker/pom.xml"));
        // The worker module's jar and its lib/ (the worker's runtime dependencies only) are what the image runs.
        assertThat(pom).contains("<finalName>xaichat-worker</finalName>").contains("copy-dependencies")
                .contains("${project.build.directory}/lib");
        assertThat(dockerfile).contains("worker/target/xaichat-worker.jar").contains("worker/target/lib/")
                .contains("-cp '/app/xaichat-worker.jar:/app/lib/*' io.xaichat.worker.WorkerMain")
                .contains("libgomp1").containsPattern("(?m)^USER ").containsPattern("(?m)^FROM eclipse-temurin:17-jre");
        assertThat(unit).contains("-cp /opt/xaichat/xaichat-worker.jar:/opt/xaichat/lib/* io.xaichat.worker.WorkerMain");
        // The launch scripts in the repository use the same JVM options variable.
        assertThat(Files.readString(ROOT.resolve("xaichat-worker"))).contains("XAICHAT_JAVA_OPTS")
                .contains("io.xaichat.worker.WorkerMain");
        assertThat(classExists("io.xaichat.worker.WorkerMain")).isTrue();
    }

    private static Set<String> unread(Set<String> names) {
        Set<String> unread = new TreeSet<>(names);
        unread.removeIf(n -> flagOfEnv.containsKey(n) || READ_OUTSIDE_OPTIONS.contains(n));
        return unread;
    }

    /** Reads the settings as the worker does (its definitions, engines aside: their CPUs are another machine's). */
    private static void parseAsTheWorkerDoes(String where, Map<String, String> env) {
        StartupConfig config = StartupConfig.read(WorkerSettings.ALL.without(
                Set.copyOf(WorkerSettings.ALL.group("engines").settings())), Map.of(), env);
        assertThat(config.worker().bootstrapServers()).as(where).isEqualTo(env.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(config.metrics().getPort()).isEqualTo(WorkerSettings.DEFAULT_METRICS_PORT);
    }

    private static Map<String, JsonNode> workerImageServices() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.path("services").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode s = e.getValue();
            if (s.path("image").asText().startsWith("xaichat-")) services.put(e.getKey(), s);
        }
        return services;
    }

    /** The worker image's services (the CLI image's run bulk, models pull and the gateway). */
    private static boolean runsTheWorker(JsonNode service) {
        return service.path("image").asText().startsWith("xaichat-worker");
    }

    private static Map<String, String> env(JsonNode environment) {
        Map<String, String> env = new LinkedHashMap<>();
        environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** ENV instructions, continuation lines included. */
    private static Map<String, String> dockerfileEnv() throws IOException {
        String text = Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)");
        for (String line : text.split("\n")) {
            if (!line.startsWith("ENV ")) continue;
            Matcher m = pair.matcher(line);
            while (m.find()) env.put(m.group(1), m.group(2).replace("\"", ""));
        }
        return env;
    }

    /** KEY=value lines; with {@code commented}, also the commented-out examples ({@code #KEY=value}). */
    private static Map<String, String> envFile(Path file, boolean commented) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern setting = Pattern.compile("^(#?)([A-Z_][A-Z0-9_]*)=(.*)$");
        for (String line : Files.readAllLines(file)) {
            Matcher m = setting.matcher(line.trim());
            if (m.matches() && (commented || m.group(1).isEmpty())) env.put(m.group(2), m.group(3));
        }
        return env;
    }

    private static Set<String> manifestPaths() throws IOException {
        Set<String> paths = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*-\\s*path:\\s*(\\S+)\\s*$").matcher(Files.readString(ROOT.resolve("models/manifest.yaml")));
        while (m.find()) paths.add(m.group(1));
        return paths;
    }

    private static long seconds(String unit, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "(\\d+)$").matcher(unit);
        assertThat(m.find()).as(key).isTrue();
        return Duration.ofSeconds(Long.parseLong(m.group(1))).toSeconds();
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
