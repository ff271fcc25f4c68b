package io.xaichat.cli;

import io.xaichat.schema.JobKind;
import io.xaichat.models.ModelManifest;
import io.xaichat.local.LocalServices;
import io.xaichat.worker.Worker;
import io.xaichat.worker.WorkerMain;
import io.xaichat.worker.EngineLoadException;
import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.config.ConfigValues;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.config.WorkerSettings;
import io.xaichat.worker.engine.Engine;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import io.xaichat.worker.gguf.ModelSpec;
import io.xaichat.worker.gguf.SyntheticChatModels;
import io.xaichat.worker.kafka.JobListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code xaichat local ...}: the whole system on one machine in one process — an in-process Kafka broker, a real
 * redis-server and a worker — around one command, then a clean shutdown. Existing services are used instead when
 * {@code --bootstrap-servers} / {@code --redis-url} (or {@code KAFKA_BOOTSTRAP_SERVERS} / {@code REDIS_URL}) are set.
 */
@Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a command against an embedded broker, redis-server and worker on this machine.",
                "Options before the subcommand configure the worker (same flags and environment variables as "
                        + "xaichat-worker); e.g. xaichat local --kinds chat,image bulk in.jsonl --out out.jsonl"},
        subcommands = {BulkCommand.class, SubmitCommand.class, LocalWorkerCommand.class},
        modelTransformer = WorkerSettings.LocalOptions.class)
public final class LocalCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** The worker's settings, read once in {@link #start}. */
    private StartupConfig settings;

    @Option(names = "--kafka-port", defaultValue = "${env:XAICHAT_LOCAL_KAFKA_PORT:-0}",
            description = "Port of the embedded broker (0 = any free port). Env XAICHAT_LOCAL_KAFKA_PORT.")
    int kafkaPort;

    @Option(names = "--redis-port", defaultValue = "${env:XAICHAT_LOCAL_REDIS_PORT:-0}",
            description = "Port of the embedded redis-server (0 = any free port). Env XAICHAT_LOCAL_REDIS_PORT.")
    int redisPort;

    @Option(names = "--data-dir", description = "Keep the embedded broker's data here (default: a temporary directory).")
    Path dataDir;

    @Option(names = "--synthetic",
            description = "Serve chat with a generated random-weight model (gibberish answers): tries the whole "
                    + "pipeline where no real model can be downloaded.")
    boolean synthetic;

    @Option(names = "--synthetic-arch", paramLabel = "ARCH", defaultValue = DEFAULT_SYNTHETIC_ARCHITECTURE,
            description = "Architecture of the --synthetic model: qwen2 (default) or qwen3 (Qwen3's <think> tokens "
                    + "and chat template; needs the llama-cpp chat engine).")
    String syntheticArchitecture;

    /** qwen2 while the default chat engine is java-llama.cpp, which cannot load qwen3. */
    static final String DEFAULT_SYNTHETIC_ARCHITECTURE = "qwen2";
    static final List<String> SYNTHETIC_ARCHITECTURES = List.of("qwen2", "qwen3");

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: bulk, submit or worker");
    }

    /**
     * Loads the models first (a missing model fails before anything starts), then the services; the subcommand's
     * Kafka connection is pointed at them.
     */
    LocalServices start(PrintWriter status) {
        Map<String, String> flags = new HashMap<>(WorkerSettings.LOCAL.givenFlags(spec));
        Map<String, String> env = System.getenv();
        settings = StartupConfig.read(WorkerSettings.LOCAL, flags, env);
        if (synthetic) {
            flags.put(WorkerSettings.CHAT_MODEL.name(),
                    syntheticModel(settings.values().get(WorkerSettings.MODELS_DIR), status).toString());
            settings = StartupConfig.read(WorkerSettings.LOCAL, flags, env);
        }
        List<Engine<?>> engines = WorkerMain.loadEngines(settings, (engine, took) -> {});
        if (synthetic) {
            syntheticModelId = engines.stream().filter(e -> e.kind() == JobKind.CHAT).map(Engine::modelId)
                    .findFirst().orElse(null);
        }
        // A broker or cache named by flag or variable is used instead of an embedded one (flag over variable).
        ConfigValues values = settings.values();
        String bootstrap = values.isSet(WorkerSettings.BOOTSTRAP_SERVERS) ? settings.worker().bootstrapServers() : null;
        String redis = values.isSet(WorkerSettings.REDIS_URL) ? values.get(WorkerSettings.REDIS_URL) : null;
        try {
            return new LocalServices(bootstrap, redis, kafkaPort, redisPort, dataDir,
                    (localBootstrap, localRedis) -> {
                        Map<String, String> connected = new HashMap<>(flags);
                        connected.put(WorkerSettings.BOOTSTRAP_SERVERS.name(), localBootstrap);
                        connected.put(WorkerSettings.REDIS_URL.name(), localRedis);
                        return new Worker(StartupConfig.read(WorkerSettings.LOCAL, connected, env).worker(), engines,
                                JobListener.NONE);
                    },
                    status);
        } catch (RuntimeException e) {
            engines.forEach(Engine::close);
            throw e;
        }
    }

    private Path kafkaConfig() {
        return settings.values().get(WorkerSettings.KAFKA_CONFIG);
    }

    /** The chat model id of the --synthetic stand-in, once loaded. */
    private String syntheticModelId;

    /**
     * With --synthetic the generated model stands in for every chat model: the manifest's names (ids, aliases) and
     * any other name map to it, unless the user mapped a name explicitly, so a real batch file runs unchanged.
     */
    private void standIn(java.util.Map<String, String> modelMap, PrintWriter status) {
        java.util.Map<String, String> own = java.util.Map.copyOf(modelMap);
        try {
            for (io.xaichat.models.ModelSpec m : ModelManifest.load(null).models()) {
                if (m.kind() != JobKind.CHAT) continue;
                modelMap.putIfAbsent(m.id(), syntheticModelId);
                modelMap.putIfAbsent(m.workerModelId(), syntheticModelId);
                for (String alias : m.aliases()) modelMap.putIfAbsent(alias, syntheticModelId);
            }
        } catch (RuntimeException e) {
            // no packaged manifest: the wildcard below still maps every name
        }
        modelMap.putIfAbsent("*", syntheticModelId); // what --model-map calls every other name
        if (own.isEmpty()) status.println("local: --synthetic: every chat model name maps to " + syntheticModelId);
    }

    private Path syntheticModel(Path modelsDir, PrintWriter status) {
        if (!SYNTHETIC_ARCHITECTURES.contains(syntheticArchitecture)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--synthetic-arch must be one of "
                    + String.join(", ", SYNTHETIC_ARCHITECTURES) + ", got '" + syntheticArchitecture + "'");
        }
        Path file;
        try {
            file = writeSyntheticModel(modelsDir.resolve("synthetic"), syntheticArchitecture);
        } catch (java.io.IOException e) {
            throw new ConfigException("cannot write the synthetic model into " + modelsDir.resolve("synthetic")
                    + ": " + e.getMessage());
        }
        status.println("local: --synthetic: chat answers come from a random-weight model (" + file + ")");
        return file;
    }

    /**
     * Writes the tiny random-weight model of {@code architecture} as {@code synthetic-<arch>-tiny.gguf}, every time:
     * the same spec gives the same bytes, and a file from an older generator is replaced (atomically).
     */
    static Path writeSyntheticModel(Path dir, String architecture) throws java.io.IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("synthetic-" + architecture + "-tiny.gguf");
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try {
            SyntheticChatModels.write(ModelSpec.tiny(architecture).withContextLength(4096), tmp);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /**
     * The root command's execution strategy: a {@code local} subcommand runs inside {@link LocalServices};
     * everything else runs as usual.
     */
    static int execute(ParseResult parsed) {
        ParseResult local = parsed.subcommand();
        // Help is answered without starting anything (RunLast would print it a second time).
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) return help;
        if (local == null || !(local.commandSpec().userObject() instanceof LocalCommand command)
                || local.subcommand() == null) {
            return new CommandLine.RunLast().execute(parsed);
        }
        CommandLine cli = local.commandSpec().commandLine();
        PrintWriter status = cli.getErr();
        Object target = local.subcommand().commandSpec().userObject();
        try (LocalServices services = command.start(status)) {
            if (target instanceof KafkaCommand kafka) {
                kafka.connection().useLocal(services.bootstrapServers(), services.worker().config().topics().prefix(),
                        command.kafkaConfig());
            }
            if (target instanceof LocalWorkerCommand w) w.services = services;
            if (target instanceof BulkCommand bulk && command.syntheticModelId != null) {
                command.standIn(bulk.modelMap, status);
            }
            if (target instanceof LocalServicesAware aware) aware.useLocal(services, command.kafkaConfig());
            return new CommandLine.RunLast().execute(parsed);
        } catch (ConfigException e) {
            status.println("xaichat local: " + e.getMessage());
            status.flush();
            return 2;
        } catch (EngineLoadException e) {
            status.println("xaichat local: " + e.getMessage());
            status.flush();
            return e.exitCode();
        }
    }
}
