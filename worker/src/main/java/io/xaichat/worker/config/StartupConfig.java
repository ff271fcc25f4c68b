package io.xaichat.worker.config;

import static io.xaichat.worker.config.WorkerSettings.*;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import io.xaichat.worker.EngineLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a worker needs to start, read once from flags, environment and defaults and validated in one pass
 * before any connection is made or model loaded: every problem, engine settings included, is reported together.
 *
 * @param engines the settings of the enabled kinds' engines only
 * @param metrics where the HTTP endpoint listens; null when disabled (or when the command has no endpoint)
 * @param logFormat text or json; null when the command leaves logging alone
 * @param values the parsed values, for a command's own reading (e.g. whether a setting was given at all)
 */
public record StartupConfig(WorkerConfig worker, EngineLoader.EngineConfigs engines, InetSocketAddress metrics,
                            String logFormat, Path logFile, ConfigValues values) {

    /** From the flags given on a command line parsed with {@code def}'s options, and the environment. */
    public static StartupConfig read(ConfigDef def, picocli.CommandLine.Model.CommandSpec spec, Map<String, String> env) {
        return read(def, def.givenFlags(spec), env);
    }

    /**
     * @param flags values by setting name ({@code "metrics-port" → "9401"}); they win over {@code env}
     * @throws ConfigException naming every bad setting by flag and variable
     */
    public static StartupConfig read(ConfigDef def, Map<String, String> flags, Map<String, String> env) {
        ConfigValues v = def.parse(flags, env);
        Set<JobKind> kinds = kinds(v);
        WorkerConfig worker = runtime(v, env, kinds);
        boolean withEngines = def.settings().contains(MODELS_DIR);
        var engines = new EngineLoader.EngineConfigs(
                withEngines && kinds.contains(JobKind.CHAT) ? EngineSettings.chat(v) : null,
                withEngines && kinds.contains(JobKind.VISION) ? EngineSettings.vision(v) : null,
                withEngines && kinds.contains(JobKind.IMAGE) ? EngineSettings.image(v) : null);
        boolean operations = def.settings().contains(METRICS_PORT);
        InetSocketAddress metrics = operations && !v.get(NO_METRICS) ? metrics(v) : null;
        v.check();
        return new StartupConfig(worker, engines, metrics, operations ? v.get(LOG_FORMAT) : null,
                operations ? v.get(LOG_FILE) : null, v);
    }

    /** The runtime settings alone (tests and tools building a worker from a map of settings, no environment). */
    public static WorkerConfig worker(Map<String, String> flags) {
        return worker(flags, Map.of());
    }

    /** @param env only its {@code XAICHAT_KAFKA_*} client properties are read ({@link KafkaProperties}) */
    public static WorkerConfig worker(Map<String, String> flags, Map<String, String> env) {
        Map<String, String> kafkaOnly = new java.util.HashMap<>();
        env.forEach((k, val) -> {
            if (k.startsWith(KafkaProperties.ENV_PREFIX)) kafkaOnly.put(k, val);
        });
        return read(RUNTIME, flags, kafkaOnly).worker();
    }

    private static Set<JobKind> kinds(ConfigValues v) {
        EnumSet<JobKind> set = EnumSet.noneOf(JobKind.class);
        List<String> names = v.get(KINDS);
        if (names == null) return set;
        names.forEach(n -> set.add(JobKind.fromWire(n)));
        if (v.get(NO_CHAT)) set.remove(JobKind.CHAT);
        if (v.get(NO_VISION)) set.remove(JobKind.VISION);
        if (v.get(NO_IMAGE)) set.remove(JobKind.IMAGE);
        if (set.isEmpty()) v.problem(KINDS, "no job kinds enabled: enable at least one of chat, vision, image");
        return set;
    }

    private static WorkerConfig runtime(ConfigValues v, Map<String, String> env, Set<JobKind> kinds) {
        int before = v.problems().size();
        Map<String, String> kafka = Map.of();
        if (v.valid(KAFKA_CONFIG)) {
            try {
                kafka = KafkaProperties.load(v.get(KAFKA_CONFIG), env);
            } catch (ConfigException e) {
                v.problem(KAFKA_CONFIG, e.getMessage().replaceFirst("(?s)^invalid configuration:\\s*- ", ""));
            }
        }
        URI redis = null;
        String redisText = v.get(REDIS_URL);
        if (redisText != null && !redisText.equalsIgnoreCase("none")) {
            try {
                redis = new URI(redisText.trim());
            } catch (URISyntaxException e) {
                // Not echoed: the URL may carry a password.
                v.problem(REDIS_URL, "is not a URL (expected redis://host:port): " + e.getReason());
            }
        }
        if (v.problems().size() > before || v.problems().stream().anyMatch(StartupConfig::isRuntimeProblem)) return null;
        String id = v.get(WORKER_ID);
        try {
            return new WorkerConfig(id == null || id.isBlank() ? WorkerConfig.defaultWorkerId() : id,
                    v.get(BOOTSTRAP_SERVERS), kafka, new Topics(v.get(TOPIC_PREFIX)), kinds, v.get(PARTITIONS),
                    v.get(REPLICATION_FACTOR).shortValue(), v.get(GROUP_PROTOCOL), v.get(MAX_POLL_INTERVAL), redis,
                    v.get(CACHE_TTL), v.get(CACHE_LOCK_TTL), v.get(MAX_RECORD_BYTES), v.get(MAX_TOKENS_LIMIT),
                    v.get(STREAM_BATCH_SIZE), v.get(SHUTDOWN_GRACE), !v.get(STAY_IN_GROUP),
                    new SecuritySettings(v.get(REPLY_TOPICS), v.get(MAX_REPLY_BYTES),
                            SecuritySettings.CacheScopeMode.valueOf(v.get(CACHE_SCOPE).toUpperCase(Locale.ROOT))),
                    new ThroughputConfig(Map.of(JobKind.CHAT, v.get(CHAT_CONCURRENCY),
                            JobKind.VISION, v.get(VISION_CONCURRENCY), JobKind.IMAGE, v.get(IMAGE_CONCURRENCY)),
                            v.get(MAX_BUFFERED_RECORDS), v.get(COMMIT_INTERVAL)));
        } catch (ConfigException e) {
            // The records' own checks: the definitions' validators should have caught everything first.
            v.problem(e.getMessage());
            return null;
        }
    }

    private static boolean isRuntimeProblem(String problem) {
        return RUNTIME.settings().stream().anyMatch(s -> problem.startsWith(s.label() + ":"));
    }

    private static InetSocketAddress metrics(ConfigValues v) {
        if (!v.valid(METRICS_PORT) || !v.valid(METRICS_BIND)) return null;
        // Resolved now so a typo fails at start, not on the first scrape.
        InetSocketAddress address = new InetSocketAddress(v.get(METRICS_BIND).trim(), v.get(METRICS_PORT));
        if (address.isUnresolved()) {
            v.problem(METRICS_BIND, "cannot resolve '" + v.get(METRICS_BIND) + "'");
            return null;
        }
        return address;
    }
}
