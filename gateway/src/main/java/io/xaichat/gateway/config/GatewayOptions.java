package io.xaichat.gateway.config;

import io.xaichat.gateway.auth.ApiKeys;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.Topics;
import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.config.Durations;
import io.xaichat.worker.config.KafkaProperties;
import io.xaichat.worker.config.WorkerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The gateway's settings as command-line flags, each defaulting to an environment variable: the one place they are
 * read. {@link #toConfig()} validates them all at once and names the flag and the variable of every problem.
 */
public final class GatewayOptions {

    @Option(names = "--port", defaultValue = "${env:XAICHAT_GATEWAY_PORT:-8080}",
            description = "HTTP port of the API; 0 takes a free port. Env XAICHAT_GATEWAY_PORT. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", defaultValue = "${env:XAICHAT_GATEWAY_BIND:-0.0.0.0}",
            description = "Address the API listens on. Env XAICHAT_GATEWAY_BIND. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--api-keys", defaultValue = "${env:XAICHAT_GATEWAY_API_KEYS}",
            description = "Accepted API keys, comma-separated, each optionally KEY=TENANT (default tenant: 'default'). "
                    + "Env XAICHAT_GATEWAY_API_KEYS. Required.")
    String apiKeys;

    @Option(names = "--gateway-id", defaultValue = "${env:XAICHAT_GATEWAY_ID}",
            description = "Names this gateway's reply topics and batch leases. Env XAICHAT_GATEWAY_ID. Default: host-pid.")
    String gatewayId;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers. Env KAFKA_BOOTSTRAP_SERVERS. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--kafka-config", defaultValue = "${env:XAICHAT_KAFKA_CONFIG}",
            description = "Kafka client properties file (security settings). Env XAICHAT_KAFKA_CONFIG; single "
                    + "properties also as XAICHAT_KAFKA_<NAME>.")
    Path kafkaConfig;

    @Option(names = "--topic-prefix", defaultValue = "${env:XAICHAT_TOPIC_PREFIX:-xaichat}",
            description = "Prefix of all topic names. Env XAICHAT_TOPIC_PREFIX. Default: ${DEFAULT-VALUE}.")
    String topicPrefix;

    @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL:-redis://localhost:6379}",
            description = "Redis holding files and batches, shared by every gateway (redis:// or rediss://). "
                    + "Env REDIS_URL. Default: ${DEFAULT-VALUE}.")
    String redisUrl;

    @Option(names = "--models", defaultValue = "${env:XAICHAT_GATEWAY_MODELS:-" + ModelCatalog.DEFAULT_MODELS + "}",
            description = "The models the workers serve, KIND=MODEL_ID comma-separated (kinds chat, vision, image). "
                    + "Env XAICHAT_GATEWAY_MODELS. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--model-aliases", defaultValue = "${env:XAICHAT_GATEWAY_MODEL_ALIASES:-}",
            description = "Other names for served models, ALIAS=MODEL_ID comma-separated (MODEL_ID 'default': the "
                    + "default model of the request's kind), e.g. gpt-4o-mini=default. Env XAICHAT_GATEWAY_MODEL_ALIASES.")
    String modelAliases;

    @Option(names = "--max-body-bytes", defaultValue = "${env:XAICHAT_GATEWAY_MAX_BODY_BYTES:-16777216}",
            description = "Largest JSON request body (vision images travel inline). Env XAICHAT_GATEWAY_MAX_BODY_BYTES. Default: ${DEFAULT-VALUE}.")
    long maxBodyBytes;

    @Option(names = "--max-file-bytes", defaultValue = "${env:XAICHAT_GATEWAY_MAX_FILE_BYTES:-104857600}",
            description = "Largest uploaded batch input file. Env XAICHAT_GATEWAY_MAX_FILE_BYTES. Default: ${DEFAULT-VALUE}.")
    long maxFileBytes;

    @Option(names = "--max-batch-lines", defaultValue = "${env:XAICHAT_GATEWAY_MAX_BATCH_LINES:-50000}",
            description = "Most requests in one batch (OpenAI's limit). Env XAICHAT_GATEWAY_MAX_BATCH_LINES. Default: ${DEFAULT-VALUE}.")
    int maxBatchLines;

    @Option(names = "--request-timeout", defaultValue = "${env:XAICHAT_GATEWAY_REQUEST_TIMEOUT:-10m}",
            description = "Longest an HTTP request waits for its job's answer (batch lines may wait until their batch expires). "
                    + "Env XAICHAT_GATEWAY_REQUEST_TIMEOUT. Default: ${DEFAULT-VALUE}.")
    String requestTimeout;

    @Option(names = "--batch-window", defaultValue = "${env:XAICHAT_GATEWAY_BATCH_WINDOW:-64}",
            description = "Jobs in flight per running batch. Env XAICHAT_GATEWAY_BATCH_WINDOW. Default: ${DEFAULT-VALUE}.")
    int batchWindow;

    @Option(names = "--batch-concurrency", defaultValue = "${env:XAICHAT_GATEWAY_BATCH_CONCURRENCY:-4}",
            description = "Batches this gateway runs at once. Env XAICHAT_GATEWAY_BATCH_CONCURRENCY. Default: ${DEFAULT-VALUE}.")
    int batchConcurrency;

    @Option(names = "--batch-lease", defaultValue = "${env:XAICHAT_GATEWAY_BATCH_LEASE:-30s}",
            description = "A running batch is taken over by another gateway when its runner has not renewed its lease "
                    + "for this long (a crashed gateway). Env XAICHAT_GATEWAY_BATCH_LEASE. Default: ${DEFAULT-VALUE}.")
    String batchLease;

    @Option(names = "--work-dir", defaultValue = "${env:XAICHAT_GATEWAY_WORK_DIR}",
            description = "Scratch space for running batches' input files. Env XAICHAT_GATEWAY_WORK_DIR. Default: a temporary directory.")
    Path workDir;

    /** Local mode: the embedded services replace the configured ones. */
    public GatewayOptions connectTo(String bootstrap, String redis, String prefix, Path clientProperties) {
        this.bootstrapServers = bootstrap;
        this.redisUrl = redis;
        this.topicPrefix = prefix;
        this.kafkaConfig = clientProperties;
        return this;
    }

    /** Local mode: the models are the local worker's. */
    public GatewayOptions serving(String modelList) {
        this.models = modelList;
        return this;
    }

    public GatewayConfig toConfig() {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65535) problems.add("--port/XAICHAT_GATEWAY_PORT must be between 0 and 65535, got " + port);
        InetSocketAddress address = null;
        if (bind == null || bind.isBlank()) {
            problems.add("--bind/XAICHAT_GATEWAY_BIND is empty: give an address such as 0.0.0.0 or 127.0.0.1");
        } else {
            address = new InetSocketAddress(bind.trim(), Math.max(0, Math.min(port, 65535)));
            if (address.isUnresolved()) problems.add("--bind/XAICHAT_GATEWAY_BIND: cannot resolve '" + bind + "'");
        }
        ApiKeys keys = collect(problems, () -> ApiKeys.parse(apiKeys));
        ModelCatalog catalog = collect(problems, () -> ModelCatalog.parse(models, modelAliases));
        String id = gatewayId == null || gatewayId.isBlank() ? defaultId() : gatewayId.trim();
        // <tenant (≤ 64)>.gw-<id (≤ 32)> names the reply topic and must fit a client id (100 characters).
        if (!id.matches("[A-Za-z0-9._-]{1,32}")) {
            problems.add("--gateway-id/XAICHAT_GATEWAY_ID '" + id + "' must be 1-32 letters, digits, '.', '_' or '-'");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            problems.add("--bootstrap-servers/KAFKA_BOOTSTRAP_SERVERS is empty: give host:port of at least one broker");
        }
        URI redis = collect(problems, () -> redisUri(redisUrl));
        if (maxBodyBytes < 1024) problems.add("--max-body-bytes/XAICHAT_GATEWAY_MAX_BODY_BYTES must be ≥ 1024, got " + maxBodyBytes);
        if (maxFileBytes < 1024) problems.add("--max-file-bytes/XAICHAT_GATEWAY_MAX_FILE_BYTES must be ≥ 1024, got " + maxFileBytes);
        if (maxBatchLines < 1) problems.add("--max-batch-lines/XAICHAT_GATEWAY_MAX_BATCH_LINES must be ≥ 1, got " + maxBatchLines);
        if (batchWindow < 1) problems.add("--batch-window/XAICHAT_GATEWAY_BATCH_WINDOW must be ≥ 1, got " + batchWindow);
        if (batchConcurrency < 1) {
            problems.add("--batch-concurrency/XAICHAT_GATEWAY_BATCH_CONCURRENCY must be ≥ 1, got " + batchConcurrency);
        }
        Duration timeout = positive(problems, "--request-timeout/XAICHAT_GATEWAY_REQUEST_TIMEOUT", requestTimeout);
        Duration lease = positive(problems, "--batch-lease/XAICHAT_GATEWAY_BATCH_LEASE", batchLease);
        if (lease != null && lease.toMillis() < 1000) {
            problems.add("--batch-lease/XAICHAT_GATEWAY_BATCH_LEASE must be at least 1s, got " + batchLease);
        }
        java.util.Map<String, String> kafkaProps = collect(problems, () -> KafkaProperties.load(kafkaConfig, System.getenv()));
        if (topicPrefix == null || topicPrefix.isBlank()) problems.add("--topic-prefix/XAICHAT_TOPIC_PREFIX is empty");
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new GatewayConfig(id, address, keys, catalog, bootstrapServers.trim(), kafkaProps,
                new Topics(topicPrefix.trim()), redis, maxBodyBytes, maxFileBytes, maxBatchLines, timeout,
                batchWindow, batchConcurrency, lease, workDir);
    }

    private static <T> T collect(List<String> problems, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (ConfigException e) {
            // ConfigException's message starts with a header line; keep the listed problems only.
            for (String line : e.getMessage().split("\n")) {
                if (line.startsWith("  - ")) problems.add(line.substring(4));
            }
            return null;
        }
    }

    private static Duration positive(List<String> problems, String option, String value) {
        try {
            Duration d = Durations.parse(value);
            if (d.isNegative() || d.isZero()) problems.add(option + " must be positive, got " + value);
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(option + ": " + e.getMessage());
            return null;
        }
    }

    private static URI redisUri(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) {
            throw new ConfigException("--redis-url/REDIS_URL is required: the gateway keeps files and batches in Redis");
        }
        try {
            URI uri = new URI(value.trim());
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new ConfigException("--redis-url/REDIS_URL must start with redis:// or rediss://");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("--redis-url/REDIS_URL is not a URL (expected redis://host:port): " + e.getReason());
        }
    }

    /** host-pid, cut from the left to 32 characters so the pid stays. */
    private static String defaultId() {
        String id = WorkerConfig.defaultWorkerId();
        return id.length() <= 32 ? id : id.substring(id.length() - 32);
    }
}
