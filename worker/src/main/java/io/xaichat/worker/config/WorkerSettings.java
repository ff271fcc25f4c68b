package io.xaichat.worker.config;

import static io.xaichat.worker.config.SettingType.BOOLEAN;
import static io.xaichat.worker.config.SettingType.CPUS;
import static io.xaichat.worker.config.SettingType.DURATION;
import static io.xaichat.worker.config.SettingType.HOST_PORT_LIST;
import static io.xaichat.worker.config.SettingType.INT;
import static io.xaichat.worker.config.SettingType.LIST;
import static io.xaichat.worker.config.SettingType.LONG;
import static io.xaichat.worker.config.SettingType.PATH;
import static io.xaichat.worker.config.SettingType.STRING;
import static io.xaichat.worker.config.Validator.atLeast;
import static io.xaichat.worker.config.Validator.between;
import static io.xaichat.worker.config.Validator.none;

import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.image.ImageEngineConfig;
import io.xaichat.worker.vision.VisionEngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every setting of the worker, defined once (name, variable, type, default, validator, documentation). The
 * command-line options of {@code xaichat-worker} and {@code xaichat local}, the validation and the README's
 * configuration table all come from {@link #ALL}. {@link StartupConfig} turns the values into the runtime's and
 * engines' settings.
 */
public final class WorkerSettings {
    private WorkerSettings() {}

    /** The manifest's default chat model (xaichat models pull chat): Qwen3-1.7B, which the llama-cpp engine runs. */
    public static final String DEFAULT_CHAT_MODEL = "chat/Qwen3-1.7B-Q4_K_M.gguf";
    public static final String DEFAULT_VISION_MODEL = "vision/qwen2-vl-2b-instruct";
    public static final String DEFAULT_IMAGE_MODEL = "image/lcm-dreamshaper-v7";
    public static final int DEFAULT_METRICS_PORT = 9400;

    public static final ConfigDef ALL = new ConfigDef();
    private static final ConfigDef D = ALL;

    static {
        D.startGroup("runtime");
    }
    public static final Setting<String> WORKER_ID = D.define("worker-id", "XAICHAT_WORKER_ID", STRING, null,
            Validator.matches("[A-Za-z0-9._-]{1,100}", "1-100 letters, digits, '.', '_' or '-'"), "host-pid",
            "Stable id of this worker (static group membership).");
    public static final Setting<String> BOOTSTRAP_SERVERS = D.define("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS",
            HOST_PORT_LIST, "localhost:9092", none(), "Kafka brokers (`host:port`, comma-separated).");
    public static final Setting<Path> KAFKA_CONFIG = D.define("kafka-config", KafkaProperties.FILE_VARIABLE, PATH, null,
            none(), "Properties file passed to every Kafka client (security: SASL_SSL, SCRAM, mTLS).");
    static {
        D.note("XAICHAT_KAFKA_<NAME>", "Any Kafka client property, e.g. `XAICHAT_KAFKA_SECURITY_PROTOCOL=SASL_SSL`, "
                + "`XAICHAT_KAFKA_SASL_JAAS_CONFIG=...` (`_` → `.`); overrides the file.");
    }
    public static final Setting<String> TOPIC_PREFIX = D.define("topic-prefix", "XAICHAT_TOPIC_PREFIX", STRING,
            "xaichat", Validator.matches("[A-Za-z0-9._-]{1,200}", "topic characters (letters, digits, '.', '_', '-')"),
            "Prefix of the job, dead-letter and reply topics.");
    public static final Setting<List<String>> KINDS = D.define("kinds", "XAICHAT_KINDS",
            SettingType.listOf("chat", "vision", "image"), "chat", none(),
            "Job kinds this worker serves: chat, vision, image.");
    public static final Setting<Boolean> NO_CHAT = D.defineSwitch("no-chat", "Do not serve chat jobs even if listed in `--kinds`.");
    public static final Setting<Boolean> NO_VISION = D.defineSwitch("no-vision", "Do not serve vision jobs even if listed in `--kinds`.");
    public static final Setting<Boolean> NO_IMAGE = D.defineSwitch("no-image", "Do not serve image jobs even if listed in `--kinds`.");
    public static final Setting<Integer> PARTITIONS = D.define("partitions", "XAICHAT_TOPIC_PARTITIONS", INT, "12",
            atLeast(1), "Partitions of job topics created when missing.");
    public static final Setting<Integer> REPLICATION_FACTOR = D.define("replication-factor", "XAICHAT_TOPIC_REPLICATION",
            INT, "1", between(1, Short.MAX_VALUE), "Replication factor of topics created when missing.");
    public static final Setting<String> GROUP_PROTOCOL = D.define("group-protocol", "XAICHAT_GROUP_PROTOCOL",
            SettingType.oneOf("consumer", "classic"), "consumer", none(),
            "`consumer` (KIP-848 incremental rebalancing) or `classic` (cooperative-sticky).");
    public static final Setting<Duration> MAX_POLL_INTERVAL = D.define("max-poll-interval", "XAICHAT_MAX_POLL_INTERVAL",
            DURATION, "5m", Validator.positive(),
            "Kafka `max.poll.interval.ms`; jobs may run longer (the consumer keeps polling while a job runs).");
    public static final Setting<String> REDIS_URL = D.define("redis-url", "REDIS_URL", STRING, "redis://localhost:6379",
            Validator.matches("(?i)none|rediss?://\\S+", "a redis:// or rediss:// URL, or none"),
            "Result cache (`redis://`, `rediss://` for TLS, `user:password@` for AUTH); `none` disables.");
    public static final Setting<Duration> CACHE_TTL = D.define("cache-ttl", "XAICHAT_CACHE_TTL", DURATION, "1h",
            Validator.positive(), "How long cached results live.");
    public static final Setting<Duration> CACHE_LOCK_TTL = D.define("cache-lock-ttl", "XAICHAT_CACHE_LOCK_TTL",
            DURATION, "10m", Validator.positive(),
            "Longest an identical job waits for another worker's result before computing itself. The lock itself is a "
                    + "15 s lease its holder renews, so the lock of a killed worker frees itself within 15 s.");
    public static final Setting<Integer> MAX_RECORD_BYTES = D.define("max-record-bytes", "XAICHAT_MAX_RECORD_BYTES",
            INT, "8388608", atLeast(1024), "Larger job records are refused with `record_too_large`.");
    public static final Setting<Integer> MAX_TOKENS_LIMIT = D.define("max-tokens-limit", "XAICHAT_MAX_TOKENS_LIMIT",
            INT, "4096", atLeast(1), "Chat and vision jobs asking for more `max_tokens` are refused with `invalid_request`.");
    public static final Setting<Integer> STREAM_BATCH_SIZE = D.define("stream-batch-size", "XAICHAT_STREAM_BATCH_SIZE",
            INT, "10", atLeast(1), "Tokens per stream chunk.");
    public static final Setting<Duration> SHUTDOWN_GRACE = D.define("shutdown-grace", "XAICHAT_SHUTDOWN_GRACE",
            DURATION, "60s", Validator.notNegative(),
            "On SIGTERM (and on a partition revoke), how long the running jobs may take to finish.");
    public static final Setting<Integer> CHAT_CONCURRENCY = D.define("chat-concurrency", "XAICHAT_CHAT_CONCURRENCY",
            INT, "0", atLeast(0), "engine's slots",
            "Chat jobs in flight at once (0 = the engine's slot count: 1 for the java-llama.cpp engine). Above the "
                    + "engine's slots, jobs still overlap their cache waits and publishing, but `run` calls wait for a "
                    + "free slot (serialized), so a one-slot engine stays correct.");
    public static final Setting<Integer> VISION_CONCURRENCY = D.define("vision-concurrency", "XAICHAT_VISION_CONCURRENCY",
            INT, "1", atLeast(0), "Vision jobs in flight at once (run calls serialized to the engine's slots as above).");
    public static final Setting<Integer> IMAGE_CONCURRENCY = D.define("image-concurrency", "XAICHAT_IMAGE_CONCURRENCY",
            INT, "1", atLeast(0), "Image jobs in flight at once (likewise).");
    public static final Setting<Integer> MAX_BUFFERED_RECORDS = D.define("max-buffered-records",
            "XAICHAT_MAX_BUFFERED_RECORDS", INT, "1000", atLeast(1),
            "Job records taken off the topic and not yet answered, per kind; at the bound the worker pauses fetching "
                    + "(and keeps polling) until half is free. Memory stays flat whatever the backlog. `1` = one job "
                    + "at a time.");
    public static final Setting<Duration> COMMIT_INTERVAL = D.define("commit-interval", "XAICHAT_COMMIT_INTERVAL",
            DURATION, "100ms", Validator.positive(),
            "How often answered offsets are committed (asynchronously; synchronously on revoke and shutdown).");
    public static final Setting<List<String>> REPLY_TOPICS = D.define("reply-topics", "XAICHAT_REPLY_TOPICS", LIST, "",
            WorkerSettings::badReplyPattern, "Extra reply topic patterns (comma-separated, `*` wildcard) besides `<prefix>.replies.*` and "
                    + "`<prefix>.results` ([reply topics](#reply-topics-tenants-and-acls)).");
    public static final Setting<Long> MAX_REPLY_BYTES = D.define("max-reply-bytes", "XAICHAT_MAX_REPLY_BYTES", LONG,
            "33554432", atLeast(4096L),
            "Most bytes one job's chunks and result may publish (chunks get half); beyond: `output_too_large`.");
    public static final Setting<String> CACHE_SCOPE = D.define("cache-scope", "XAICHAT_CACHE_SCOPE",
            SettingType.oneOf("tenant", "shared"), "tenant", none(),
            "`tenant`: cache hits stay within the tenant of the reply topic; `shared`: across tenants.");
    public static final Setting<Boolean> STAY_IN_GROUP = D.define("stay-in-group", "XAICHAT_STAY_IN_GROUP", BOOLEAN,
            "false", none(),
            "On shutdown keep the static membership (fast restart) instead of leaving the group (scale-down).");

    static {
        D.startGroup("operations");
    }
    public static final Setting<Integer> METRICS_PORT = D.define("metrics-port", "XAICHAT_METRICS_PORT", INT,
            String.valueOf(DEFAULT_METRICS_PORT), Validator.port(),
            "Port of `/metrics`, `/healthz`, `/readyz` (0 = any free port).");
    public static final Setting<String> METRICS_BIND = D.define("metrics-bind", "XAICHAT_METRICS_BIND", STRING,
            "0.0.0.0", Validator.matches(".*\\S.*", "an address such as 0.0.0.0 or 127.0.0.1"),
            "Address the metrics and health endpoint binds to (127.0.0.1 keeps it on the machine).");
    public static final Setting<Boolean> NO_METRICS = D.defineSwitch("no-metrics",
            "Serve no HTTP endpoint (no metrics, no health checks).");
    public static final Setting<String> LOG_FORMAT = D.define("log-format", "XAICHAT_LOG_FORMAT",
            SettingType.oneOf("text", "json"), "text", none(), "`text` or `json` (one JSON object per line).");
    public static final Setting<Path> LOG_FILE = D.define("log-file", "XAICHAT_LOG_FILE", PATH, null, none(),
            "Log to this file (rolled daily and at 100 MB, gzipped, 14 days kept) instead of stderr.");

    static {
        D.startGroup("engines");
    }
    public static final Setting<Path> MODELS_DIR = D.define("models-dir", "XAICHAT_MODELS_DIR", PATH, "models", none(),
            "Directory of model files (`xaichat models pull` writes here).");
    public static final Setting<String> CHAT_ENGINE = D.define("chat-engine", "XAICHAT_CHAT_ENGINE",
            SettingType.oneOf("llama-cpp", "java-llama-cpp"), "llama-cpp", none(),
            "`llama-cpp`: a current llama.cpp through its C API (batched decoding, Qwen3, the extra sampling options); "
                    + "`java-llama-cpp`: java-llama.cpp 4.2.0 (llama.cpp b4916), one job at a time.");
    public static final Setting<Integer> CHAT_SLOTS = D.define("chat-slots", "XAICHAT_CHAT_SLOTS", INT,
            String.valueOf(ChatEngineConfig.DEFAULT_SLOTS), between(1, ChatEngineConfig.MAX_SLOTS),
            "llama-cpp engine: chat jobs decoded together in one batch, each with its own context of "
                    + "`XAICHAT_CHAT_CONTEXT` tokens (memory: one KV cache per slot). 1 with java-llama-cpp.");
    public static final Setting<Path> LLAMA_LIB_DIR = D.define("llama-lib-dir", "XAICHAT_LLAMA_LIB_DIR", PATH, null,
            none(), "bundled", "llama-cpp engine: a directory with llama.cpp's libraries (`libllama.v0.5.0.so`, "
                    + "`libggml*.so`) instead of the copy in the `xaichat-llama-native` jar.");
    public static final Setting<Path> CHAT_MODEL = D.define("chat-model", "XAICHAT_CHAT_MODEL", PATH, null, none(),
            "`<models-dir>/" + DEFAULT_CHAT_MODEL + "`",
            "GGUF model file (the manifest's default; with `java-llama-cpp` use a Qwen2.5 variant).");
    public static final Setting<String> CHAT_MODEL_ID = D.define("chat-model-id", "XAICHAT_CHAT_MODEL_ID", STRING, null,
            none(), "file name", "Model id reported in results and matched against a job's `model`.");
    public static final Setting<Integer> CHAT_THREADS = D.define("chat-threads", "XAICHAT_CHAT_THREADS", INT, "0",
            atLeast(0), "physical cores", "Inference threads (0 = physical cores, of `--chat-cpus` when set).");
    public static final Setting<CpuSet> CHAT_CPUS = D.define("chat-cpus", "XAICHAT_CHAT_CPUS", CPUS, null, none(),
            "Pin chat threads to these CPUs, e.g. `0-3` or `0,2` (llama.cpp CPU range/mask, strict placement).");
    public static final Setting<Integer> CHAT_CONTEXT = D.define("chat-context", "XAICHAT_CHAT_CONTEXT", INT,
            String.valueOf(ChatEngineConfig.DEFAULT_CONTEXT), atLeast(64), "Context length in tokens (prompt + answer).");
    public static final Setting<Integer> CHAT_BATCH = D.define("chat-batch", "XAICHAT_CHAT_BATCH", INT,
            String.valueOf(ChatEngineConfig.DEFAULT_BATCH), atLeast(1), "Prompt tokens evaluated per batch.");
    public static final Setting<Integer> CHAT_MAX_TOKENS = D.define("chat-max-tokens", "XAICHAT_CHAT_MAX_TOKENS", INT,
            String.valueOf(ChatEngineConfig.DEFAULT_MAX_TOKENS), atLeast(1), "`max_tokens` when a job gives none.");
    public static final Setting<Integer> CHAT_MAX_PROMPT_TOKENS = D.define("chat-max-prompt-tokens",
            "XAICHAT_CHAT_MAX_PROMPT_TOKENS", INT, "0", atLeast(0), "context − 1",
            "Longest prompt accepted (`prompt_too_long` beyond; 0 = context − 1).");
    public static final Setting<Path> VISION_MODEL = D.define("vision-model", "XAICHAT_VISION_MODEL", PATH, null, none(),
            "`<models-dir>/" + DEFAULT_VISION_MODEL + "`", "Qwen2-VL ONNX model directory (onnx-community layout).");
    public static final Setting<String> VISION_MODEL_ID = D.define("vision-model-id", "XAICHAT_VISION_MODEL_ID", STRING,
            "qwen2-vl-2b-instruct", none(), "Model id reported in results.");
    public static final Setting<String> VISION_VARIANT = D.define("vision-variant", "XAICHAT_VISION_VARIANT", STRING,
            "q4", Validator.matches("[A-Za-z0-9_]*", "a variant name such as q4, int8, fp16, q4f16 or fp32"),
            "Quantization variant of the ONNX files (`q4`, `int8`, `fp16`, `q4f16`; `fp32` or empty for none). q4 and "
                    + "int8 keep fp32 activations and run on ONNX Runtime's CPU provider; q4f16's fused fp16 "
                    + "operators may not.");
    public static final Setting<Integer> VISION_THREADS = D.define("vision-threads", "XAICHAT_VISION_THREADS", INT, "0",
            atLeast(0), "physical cores", "ONNX Runtime intra-op threads (0 = physical cores, or one per `--vision-cpus` CPU).");
    public static final Setting<CpuSet> VISION_CPUS = D.define("vision-cpus", "XAICHAT_VISION_CPUS", CPUS, null, none(),
            "Pin vision threads to these CPUs (one per thread).");
    public static final Setting<Long> VISION_MIN_PIXELS = D.define("vision-min-pixels", "XAICHAT_VISION_MIN_PIXELS",
            LONG, null, atLeast(1L), "model's preprocessor config", "Smallest resized image area.");
    public static final Setting<Long> VISION_MAX_PIXELS = D.define("vision-max-pixels", "XAICHAT_VISION_MAX_PIXELS",
            LONG, null, atLeast(1L), "model's preprocessor config",
            "Largest resized image area; visual tokens ≈ max-pixels / 784 — the main speed lever. Capped by the next setting.");
    public static final Setting<Integer> VISION_MAX_IMAGE_TOKENS = D.define("vision-max-image-tokens",
            "XAICHAT_VISION_MAX_IMAGE_TOKENS", INT, String.valueOf(VisionEngineConfig.DEFAULT_MAX_IMAGE_TOKENS),
            atLeast(1), "The worker's cap on visual tokens per image (28×28 pixels each), applied on top of "
                    + "max-pixels: the published `preprocessor_config.json` allows 16,384.");
    public static final Setting<Long> VISION_JOB_MEMORY_MIB = D.define("vision-job-memory-mib",
            "XAICHAT_VISION_JOB_MEMORY_MIB", LONG, "6144", between(1L, Long.MAX_VALUE >> 20),
            "Largest estimated working memory of one vision job (MiB); larger jobs are refused with "
                    + "`input_rejected` before any inference.");
    public static final Setting<Path> INPUT_DIR = D.define("input-dir", "XAICHAT_INPUT_DIR", PATH, null, none(),
            "Directory vision jobs may name images in by path; unset = inline images only.");
    public static final Setting<Long> VISION_MAX_IMAGE_BYTES = D.define("vision-max-image-bytes",
            "XAICHAT_VISION_MAX_IMAGE_BYTES", LONG, "20971520", atLeast(1L), "Largest encoded image.");
    public static final Setting<Long> VISION_MAX_IMAGE_PIXELS = D.define("vision-max-image-pixels",
            "XAICHAT_VISION_MAX_IMAGE_PIXELS", LONG, "50000000", atLeast(1L),
            "Largest width × height, read from the header before decoding.");
    public static final Setting<Integer> VISION_MAX_TOKENS = D.define("vision-max-tokens", "XAICHAT_VISION_MAX_TOKENS",
            INT, "256", atLeast(1), "`max_tokens` when a job gives none.");
    public static final Setting<Path> IMAGE_MODEL = D.define("image-model", "XAICHAT_IMAGE_MODEL", PATH, null, none(),
            "`<models-dir>/" + DEFAULT_IMAGE_MODEL + "`",
            "LCM ONNX model directory (`text_encoder/`, `unet/`, `vae_decoder/`, `tokenizer/`).");
    public static final Setting<String> IMAGE_MODEL_ID = D.define("image-model-id", "XAICHAT_IMAGE_MODEL_ID", STRING,
            "lcm-dreamshaper-v7", none(), "Model id reported in results.");
    public static final Setting<Integer> IMAGE_THREADS = D.define("image-threads", "XAICHAT_IMAGE_THREADS", INT, "0",
            atLeast(0), "physical cores", "ONNX Runtime intra-op threads (0 = physical cores, or one per `--image-cpus` CPU).");
    public static final Setting<CpuSet> IMAGE_CPUS = D.define("image-cpus", "XAICHAT_IMAGE_CPUS", CPUS, null, none(),
            "Pin image threads to these CPUs (one per thread).");
    public static final Setting<Integer> IMAGE_DEFAULT_SIZE = D.define("image-default-size", "XAICHAT_IMAGE_DEFAULT_SIZE",
            INT, String.valueOf(ImageEngineConfig.DEFAULT_SIZE),
            Validator.multipleOf(ImageEngineConfig.SIZE_STEP, ImageEngineConfig.MIN_SIZE),
            "Width and height when a job gives none (a multiple of 64).");
    public static final Setting<Integer> IMAGE_MAX_SIZE = D.define("image-max-size", "XAICHAT_IMAGE_MAX_SIZE", INT,
            String.valueOf(ImageEngineConfig.MAX_SIZE),
            Validator.multipleOf(ImageEngineConfig.SIZE_STEP, ImageEngineConfig.MIN_SIZE),
            "Largest width or height accepted (a multiple of 64; requested sizes must be multiples of 64).");
    public static final Setting<Path> OUTPUT_DIR = D.define("output-dir", "XAICHAT_OUTPUT_DIR", PATH, null, none(),
            "Where PNGs above the inline limit are written (the result then carries `path`).");
    public static final Setting<Integer> IMAGE_INLINE_LIMIT = D.define("image-inline-limit", "XAICHAT_IMAGE_INLINE_LIMIT",
            INT, String.valueOf(ImageEngineConfig.DEFAULT_INLINE_LIMIT), atLeast(0),
            "Largest PNG (bytes) returned inline as base64.");

    private static String badReplyPattern(List<String> patterns) {
        for (String p : patterns) {
            if (!p.matches("[A-Za-z0-9._*-]{1,249}") || p.startsWith("__") || p.equals("*")) {
                return "pattern '" + p + "' must be topic characters (letters, digits, '.', '_', '-') with '*' "
                        + "wildcards, not '*' alone, not starting with '__'";
            }
        }
        return null;
    }

    /** The runtime's settings (no engines, no HTTP endpoint, no logging). */
    public static final ConfigDef RUNTIME = ALL.group("runtime");

    /** {@code xaichat local}: the worker's settings without the HTTP endpoint and logging. */
    public static final ConfigDef LOCAL = ALL.without(Set.copyOf(ALL.group("operations").settings()));

    /** Adds every setting of {@link #ALL} as an option: {@code @Command(modelTransformer = WorkerSettings.Options.class)}. */
    public static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            ALL.addOptionsTo(spec);
            return spec;
        }
    }

    /** Adds the settings of {@link #LOCAL} as options. */
    public static final class LocalOptions implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            LOCAL.addOptionsTo(spec);
            return spec;
        }
    }
}
