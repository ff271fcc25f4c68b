package io.xaichat.bench;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.kafka.JobListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat worker in a JVM of its own, so its resident set can be read from outside:
 * {@code WorkerProcess BOOTSTRAP PREFIX MODEL THREADS}. Prints {@code ready} once it serves jobs and stops when
 * its standard input closes.
 */
public final class WorkerProcess {
    private WorkerProcess() {}

    public static void main(String[] args) throws Exception {
        WorkerConfig config = new WorkerConfig("rss-probe", args[0], Map.of(), new Topics(args[1]),
                Set.of(JobKind.CHAT), 1, (short) 1, "consumer", Duration.ofMinutes(5), null, Duration.ofHours(1),
                Duration.ofMinutes(10), 16 << 20, 4096, Cluster.STREAM_BATCH, Duration.ofSeconds(5), true);
        // The worker command's defaults: context 4096, batch 512.
        LlamaChatEngine engine = new LlamaChatEngine(ChatEngineConfig.defaults(Path.of(args[2]))
                .withThreads(Integer.parseInt(args[3])));
        Worker worker = new Worker(config, List.of(engine), JobListener.NONE).start();
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our standard input
        }
        worker.close();
        System.exit(0); // llama.cpp leaves a native thread that keeps the JVM alive
    }
}
