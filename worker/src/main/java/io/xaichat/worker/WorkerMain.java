package io.xaichat.worker;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.ChatOptions;
import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.config.ImageOptions;
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

    /** Reads every setting once and validates it, then loads the engines of the enabled kinds. */
    public static Worker build(WorkerOptions worker, ModelsLocation models, ChatOptions chat, VisionOptions vision,
                               ImageOptions image, JobListener listener) {
        WorkerConfig config = worker.toConfig();
        return new Worker(config, loadEngines(config.kinds(), models, chat, vision, image), listener);
    }

    /** Loads the engines of {@code kinds}, reading only those kinds' settings. */
    public static List<Engine<?>> loadEngines(Set<JobKind> kinds, ModelsLocation models, ChatOptions chat,
                                              VisionOptions vision, ImageOptions image) {
        var configs = new EngineLoader.EngineConfigs(
                kinds.contains(JobKind.CHAT) ? chat.toConfig(models) : null,
                kinds.contains(JobKind.VISION) ? vision.toConfig(models) : null,
                kinds.contains(JobKind.IMAGE) ? image.toConfig(models) : null);
        return EngineLoader.load(kinds, configs);
    }

    @Override
    public Integer call() throws Exception {
        Worker running;
        try {
            running = build(worker, models, chat, vision, image, JobListener.NONE).start();
        } catch (ConfigException e) {
            System.err.println("xaichat-worker: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
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
