package io.xaichat.bench;

import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.config.StartupConfig;
import io.xaichat.worker.kafka.JobListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A chat worker in a JVM of its own, so its resident set can be read from outside:
 * {@code WorkerProcess BOOTSTRAP PREFIX MODEL THREADS}. Prints {@code ready} once it serves jobs and stops when
 * its standard input closes.
 */
public final class WorkerProcess {
    private WorkerProcess() {}

    public static void main(String[] args) throws Exception {
        WorkerConfig config = StartupConfig.worker(Map.of("worker-id", "rss-probe", "bootstrap-servers", args[0],
                "topic-prefix", args[1], "kinds", "chat", "partitions", "1", "redis-url", "none",
                "max-record-bytes", String.valueOf(16 << 20), "stream-batch-size", String.valueOf(Cluster.STREAM_BATCH),
                "shutdown-grace", "5s"));
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
