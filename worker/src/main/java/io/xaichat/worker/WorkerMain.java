package io.xaichat.worker;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.ChatOptions;
import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.config.ImageOptions;
import io.xaichat.worker.config.LoggingOptions;
import io.xaichat.worker.config.MetricsOptions;
import io.xaichat.worker.health.BrokerProbe;
import io.xaichat.worker.health.HealthServer;
import io.xaichat.worker.health.WorkerReadiness;
import io.xaichat.worker.kafka.KafkaClients;
import io.xaichat.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import io.xaichat.worker.config.ModelsLocation;
import io.xaichat.worker.config.VisionOptions;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.config.WorkerOptions;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.kafka.JobListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/**
 * {@code xaichat-worker}: loads the models of the enabled kinds, serves jobs until SIGTERM or SIGINT, then finishes
 * the running job within the grace period, commits, closes the models and exits 0.
 */
@Command(name = "xaichat-worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves chat, vision and image jobs from Kafka with resident, CPU-pinned models.")
public final class WorkerMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    @Mixin WorkerOptions worker;
    @Mixin ModelsLocation models;
    @Mixin ChatOptions chat;
    @Mixin VisionOptions vision;
    @Mixin ImageOptions image;
    @Mixin MetricsOptions metricsOptions;
    @Mixin LoggingOptions logging;

    /** Reads every setting once and validates it, then loads the engines of the enabled kinds. */
    public static Worker build(WorkerOptions worker, ModelsLocation models, ChatOptions chat, VisionOptions vision,
                               ImageOptions image, JobListener listener) {
        WorkerConfig config = worker.toConfig();
        return new Worker(config, loadEngines(config.kinds(), models, chat, vision, image, (e, took) -> {}), listener);
    }

    /** Loads the engines of {@code kinds}, reading only those kinds' settings. */
    public static List<Engine<?>> loadEngines(Set<JobKind> kinds, ModelsLocation models, ChatOptions chat,
                                              VisionOptions vision, ImageOptions image,
                                              BiConsumer<Engine<?>, Duration> onLoaded) {
        var configs = new EngineLoader.EngineConfigs(
                kinds.contains(JobKind.CHAT) ? chat.toConfig(models) : null,
                kinds.contains(JobKind.VISION) ? vision.toConfig(models) : null,
                kinds.contains(JobKind.IMAGE) ? image.toConfig(models) : null);
        return EngineLoader.load(kinds, configs, onLoaded);
    }

    @Override
    public Integer call() throws Exception {
        logging.apply();
        WorkerConfig config;
        try {
            config = worker.toConfig();
        } catch (ConfigException e) {
            System.err.println("xaichat-worker: " + e.getMessage());
            return 2;
        }
        WorkerMetrics metrics = new WorkerMetrics();
        try (BrokerProbe probe = BrokerProbe.of(new KafkaClients(config).admin())) {
            WorkerReadiness readiness = new WorkerReadiness(probe);
            // Up before the models load, so an orchestrator sees the process alive but not ready.
            HealthServer health = metricsOptions.enabled()
                    ? HealthServer.start(metricsOptions.address(), metrics.registry(), readiness) : null;
            try {
                return serve(config, metrics, readiness);
            } finally {
                if (health != null) health.close();
            }
        }
    }

    private int serve(WorkerConfig config, WorkerMetrics metrics, WorkerReadiness readiness) throws InterruptedException {
        // Handlers first: a SIGTERM while the engines load or the worker starts is then a clean stop right after
        // start, not the JVM's default exit 143 before any handler exists.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Worker running;
        try {
            List<Engine<?>> engines = loadEngines(config.kinds(), models, chat, vision, image, metrics::modelLoaded);
            running = new Worker(config, engines, metrics).start();
        } catch (ConfigException e) {
            System.err.println("xaichat-worker: " + e.getMessage());
            return 2;
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

    public static void main(String[] args) {
        int code = new CommandLine(new WorkerMain()).execute(args);
        // llama.cpp leaves a native thread that keeps the JVM alive after the model is closed.
        System.exit(code);
    }
}
