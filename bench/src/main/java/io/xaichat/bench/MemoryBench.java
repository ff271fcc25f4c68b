package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import io.xaichat.client.XaiChatClient;
import io.xaichat.schema.CachePolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figure 5: the resident set of a chat worker process (JVM + Kafka clients + llama.cpp with the model, its KV cache
 * and compute buffers) after it has served a job, read from {@code /proc/PID/status} of a child JVM.
 */
public final class MemoryBench {
    /** The heap limit given to the child; a production worker needs little heap, the model lives off-heap. */
    static final String HEAP = "-Xmx512m";

    private final Cluster cluster;
    private final ResultTable table;

    public MemoryBench(Cluster cluster, ResultTable table) {
        this.cluster = cluster;
        this.table = table;
    }

    public void run(Path model, int threads) throws IOException, InterruptedException {
        String prefix = cluster.prefix("rss");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                WorkerProcess.class.getName(), cluster.bootstrapServers(), prefix, model.toString(),
                Integer.toString(threads))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                // skip anything else the child prints (e.g. the native library's extraction notice)
            }
            if (line == null) throw new IllegalStateException("the worker process ended before it was ready");
            try (XaiChatClient client = cluster.client(prefix)) {
                Jobs.roundTrip(client, Jobs.job(Jobs.chat(Jobs.PROMPT, 16, false), CachePolicy.BYPASS));
            }
            Map<String, Long> status = status(child.pid());
            long rss = status.getOrDefault("VmRSS", 0L);
            table.add("5", f("worker process RSS after one job, MiB (%s)", model.getFileName()),
                    f("%.0f", rss / 1024.0),
                    f("anon %.0f + file %.0f; peak (VmHWM) %.0f MiB", status.getOrDefault("RssAnon", 0L) / 1024.0,
                            status.getOrDefault("RssFile", 0L) / 1024.0, status.getOrDefault("VmHWM", 0L) / 1024.0),
                    "original ~3 GB", rss / 1024.0 < 3 * 1024 ? "below" : "above",
                    f("child JVM %s, ctx 4096, %d threads; model file %s", HEAP, threads, ModelCache.describe(model)));
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(60, TimeUnit.SECONDS)) child.destroyForcibly();
        }
    }

    /** The kB figures of /proc/PID/status (VmRSS, RssAnon, RssFile, VmHWM...). */
    static Map<String, Long> status(long pid) throws IOException {
        Map<String, Long> values = new HashMap<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
        for (String l : lines) {
            if (l.endsWith(" kB")) {
                values.put(l.substring(0, l.indexOf(':')), Long.parseLong(l.replaceAll("\\D", "")));
            }
        }
        return values;
    }
}
