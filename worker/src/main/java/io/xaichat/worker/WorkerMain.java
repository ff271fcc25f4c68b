package io.xaichat.worker;

import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.config.LogSetup;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.config.WorkerSettings;
import java.util.Map;
import io.xaichat.worker.health.BrokerProbe;
import io.xaichat.worker.health.HealthServer;
import io.xaichat.worker.health.WorkerReadiness;
import io.xaichat.worker.kafka.KafkaClients;
import io.xaichat.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.kafka.JobListener;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code xaichat-worker}: loads the models of the enabled kinds, serves jobs until SIGTERM or SIGINT, then finishes
 * the running job within the grace period, commits, closes the models and exits 0.
 */
@Command(name = "xaichat-worker", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = WorkerSettings.Options.class,
        description = "Serves chat, vision and image jobs from Kafka with resident, CPU-pinned models.")
public final class WorkerMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    @Spec CommandSpec spec;

    /** Every setting, read once from flags, environment and defaults and validated before anything connects. */
    public static StartupConfig settings(CommandSpec spec, Map<String, String> env) {
        return StartupConfig.read(WorkerSettings.ALL, spec, env);
    }

    /** Builds the worker from validated settings: loads the engines of the enabled kinds (nothing started). */
    public static Worker build(StartupConfig config, JobListener listener) {
        return new Worker(config.worker(), loadEngines(config, (e, took) -> {}), listener);
    }

    /** Loads the engines of the enabled kinds. */
    public static List<Engine<?>> loadEngines(StartupConfig config, BiConsumer<Engine<?>, Duration> onLoaded) {
        return EngineLoader.load(config.worker().kinds(), config.engines(), onLoaded);
    }

    @Override
    public Integer call() throws Exception {
        StartupConfig config;
        try {
            config = settings(spec, System.getenv());
            LogSetup.apply(config.logFormat(), config.logFile());
        } catch (ConfigException e) {
            System.err.println("xaichat-worker: " + e.getMessage());
            return 2;
        }
        WorkerMetrics metrics = new WorkerMetrics();
        try (BrokerProbe probe = BrokerProbe.of(new KafkaClients(config.worker()).admin())) {
            WorkerReadiness readiness = new WorkerReadiness(probe);
            // Up before the models load, so an orchestrator sees the process alive but not ready.
            HealthServer health;
            try {
                health = config.metrics() != null
                        ? HealthServer.start(config.metrics(), metrics.registry(), readiness) : null;
            } catch (java.io.UncheckedIOException e) {
                // A port in use is the machine's state, not a bad setting: a message, no stack trace.
                System.err.println("xaichat-worker: " + e.getMessage());
                return 1;
            }
            try {
                return serve(config, metrics, readiness);
            } finally {
                if (health != null) health.close();
            }
        }
    }

    private int serve(StartupConfig settings, WorkerMetrics metrics, WorkerReadiness readiness) throws InterruptedException {
        WorkerConfig config = settings.worker();
        // Handlers first: a SIGTERM while the engines load or the worker starts is then a clean stop right after
        // start, not the JVM's default exit 143 before any handler exists.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Worker running;
        try {
            List<Engine<?>> engines = loadEngines(settings, metrics::modelLoaded);
            running = new Worker(config, engines, metrics).start();
        } catch (EngineLoadException e) {
            System.err.println("xaichat-worker: " + e.getMessage());
            return e.exitCode();
        }
        if (config.redisUrl() != null) metrics.watchCache(running.cacheStatus());
        readiness.started(running);
        while (!stop.await(1, TimeUnit.SECONDS)) {
            if (!running.running()) {
                log.error("a consumer loop stopped; shutting down so a supervisor can restart the worker");
                running.close();
                return 1;
            }
        }
        log.info("signal received: finishing the running job, then stopping");
        running.close();
        return 0;
    }

    /** The command line; a bad setting ends with its message and exit code 2, never a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new WorkerMain());
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // llama.cpp leaves a native thread that keeps the JVM alive after the model is closed.
        System.exit(code);
    }
}
