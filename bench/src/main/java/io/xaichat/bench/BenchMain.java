package io.xaichat.bench;

import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs every benchmark in one go and prints one markdown table (also written to
 * {@code bench/target/BENCHMARKS-latest.md}):
 * <pre>
 * java -jar bench/target/xaichat-bench.jar [--quick] [--models DIR] [--only 1,2,...,7] [--out FILE]
 * </pre>
 * {@code --quick} uses only the tiny model and few repeats: a check that the harness works, not a measurement.
 */
public final class BenchMain {
    private final boolean quick;
    private final ModelCache models;
    private final Set<String> sections;
    private final Path out;

    private BenchMain(boolean quick, ModelCache models, Set<String> sections, Path out) {
        this.quick = quick;
        this.models = models;
        this.sections = sections;
        this.out = out;
    }

    /** 7 vision memory, 8 gateway overhead, 9 cache-hit throughput, 10 chat jobs in flight, 11 llama.cpp engines. */
    static final List<String> FIGURES = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");

    public static void main(String[] args) {
        int code;
        try {
            code = parse(args).run(String.join(" ", args));
        } catch (IllegalArgumentException e) {
            System.err.println("xaichat-bench: " + e.getMessage());
            System.err.println("usage: java -jar bench/target/xaichat-bench.jar [--quick] [--models DIR] "
                    + "[--only 1,2,...,11] [--out FILE]");
            code = 2;
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        System.exit(code); // llama.cpp leaves a native thread that keeps the JVM alive
    }

    static BenchMain parse(String[] args) {
        boolean quick = false;
        Path modelDir = ModelCache.defaultDir();
        Set<String> sections = new TreeSet<>(FIGURES);
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--models" -> modelDir = Path.of(value(args, ++i, "--models"));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--only" -> {
                    sections = new TreeSet<>(List.of(value(args, ++i, "--only").split(",")));
                    if (!FIGURES.containsAll(sections)) {
                        throw new IllegalArgumentException("--only takes figure numbers 1-11, got " + sections);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        return new BenchMain(quick, new ModelCache(modelDir), sections, out != null ? out : defaultOut());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    /** Next to the jar (bench/target/), or bench/target under the working directory. */
    private static Path defaultOut() {
        try {
            Path code = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("BENCHMARKS-latest.md"); // target/xaichat-bench.jar or target/classes
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target", "BENCHMARKS-latest.md");
        }
    }

    int run(String arguments) throws Exception {
        long start = System.nanoTime();
        MachineInfo machine = MachineInfo.current();
        String loadBefore = MachineInfo.loadAverage();
        System.out.println("# XAIChat Batch benchmarks" + (quick ? " (--quick: harness check, not a measurement)" : ""));
        System.out.println();
        System.out.print(machine.markdown());
        System.out.println();
        ResultTable table = new ResultTable();
        System.out.println("| # | Figure | Median | Spread | Target | Verdict | Setup |");
        System.out.println("|---|---|---|---|---|---|---|");

        // Generated on first use only (the full-size files take ~20-40 s each, once).
        Path tiny = models.tiny();
        boolean fullSize = sections.contains("1") || sections.contains("4") || sections.contains("5")
                || sections.contains("10");
        Path q4 = quick || !fullSize ? tiny : models.qwen25(TensorType.Q4_0);
        Path q8 = quick || !fullSize ? null : models.qwen25(TensorType.Q8_0);
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("xaichat-bench");

        // Figure 11 first, before the broker and workers start: engines against the raw C API, side by side.
        if (sections.contains("11")) {
            LlamaCppBench llamaCpp = new LlamaCppBench(table, threads, quick ? 8 : 64, quick ? 1 : 3);
            llamaCpp.run(quick ? tiny : models.qwen25(TensorType.Q4_0), quick ? "tiny" : "Qwen2.5-1.5B Q4_0", true);
            if (!quick) llamaCpp.run(models.qwen3(TensorType.Q4_0), "Qwen3-1.7B Q4_0", false);
        }
        // JMH first: its forked JVM then has the machine to itself, before the broker and workers start.
        if (sections.contains("6")) new JmhFigures(table, quick ? 1 : 3, quick ? 1 : 5).run();
        // Vision memory needs no broker: one child JVM per job, before the cluster takes memory and cores.
        if (sections.contains("7") && !quick) new VisionMemoryBench(table).run(models.dir(), threads);
        try (Cluster cluster = Cluster.start()) {
            if (sections.contains("2") || sections.contains("3")) {
                new OverheadBench(cluster, table, quick ? 20 : 300, quick ? 5 : 30).run(tiny);
            }
            if (sections.contains("6")) new ResultRoundTripBench(cluster, table, quick ? 5 : 30).run();
            if (sections.contains("8")) {
                new GatewayBench(cluster, table, quick ? 20 : 300, quick ? 5 : 30, quick ? 100 : 1000, work).run(tiny);
            }
            if (sections.contains("9")) {
                new CacheHitBench(cluster, table, quick ? 1000 : 10_000, quick ? 100 : 1000, quick ? 20 : 300)
                        .run(() -> tinyChat(tiny));
            }
            if (sections.contains("1")) {
                ChatDecodeBench decode = new ChatDecodeBench(cluster, table, threads, quick ? 8 : 64, quick ? 1 : 3);
                decode.run(q4, quick ? "tiny" : "Q4_0");
                if (q8 != null) decode.run(q8, "Q8_0");
            }
            if (sections.contains("4")) new ScalingBench(cluster, table, quick ? 4 : 12, quick ? 4 : 32, work).run(q4);
            if (sections.contains("10")) {
                // The batched llama.cpp engine with 4 slots: 4 jobs in flight decode in one llama_batch per step.
                new ChatConcurrencyBench(cluster, table, 4, quick ? 8 : 32)
                        .run(() -> new LlamaCppChatEngine(ChatEngineConfig.defaults(q4).withThreads(threads)
                                .withContextLength(1024).withSlots(4)), quick ? "tiny" : "Q4_0");
            }
            if (sections.contains("5")) {
                MemoryBench memory = new MemoryBench(cluster, table);
                memory.run(q4, threads);
                if (q8 != null) memory.run(q8, threads);
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        String load = "Load average (1/5/15 min) at start " + loadBefore + ", at end " + MachineInfo.loadAverage()
                + " (2 CPUs: a load above 2 means other processes competed for the cores).";
        System.out.println(load);
        String report = report(machine, table, arguments, minutes, load);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.printf(Locale.ROOT, "%nwhole run: %.1f min; table written to %s%n", minutes, out);
        return 0;
    }

    private static LlamaChatEngine tinyChat(Path model) {
        return new LlamaChatEngine(ChatEngineConfig.defaults(model).withThreads(1).withContextLength(256));
    }

    private String report(MachineInfo machine, ResultTable table, String arguments, double minutes, String load) {
        List<String> parts = new ArrayList<>();
        parts.add("# XAIChat Batch benchmarks — run of " + LocalDate.now()
                + (quick ? " (--quick: harness check, not a measurement)" : ""));
        parts.add("");
        parts.add("Command: `java -jar bench/target/xaichat-bench.jar" + (arguments.isEmpty() ? "" : " " + arguments)
                + "` (whole run " + String.format(Locale.ROOT, "%.1f", minutes) + " min; models from `"
                + models.dir() + "`)");
        parts.add("");
        parts.add(machine.markdown());
        parts.add(load);
        parts.add("");
        parts.add(table.markdown());
        return String.join("\n", parts);
    }
}
