package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/** Runs {@link PreprocessingBenchmarks} with JMH (short: one fork, a few one-second iterations) into the table. */
public final class JmhFigures {
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("clipTokenize", "CLIP tokenization of a 24-word prompt, ms");
        NAMES.put("lcmSchedulerStep", "LCM scheduler math, one step on 4×64×64 latents, ms");
        NAMES.put("visionPreprocess", "1024×768 JPEG → decode + Qwen2-VL patches, ms");
        NAMES.put("pngEncode512", "PNG encoding of a 512×512 image, ms");
    }

    private final ResultTable table;
    private final int warmupIterations;
    private final int iterations;

    public JmhFigures(ResultTable table, int warmupIterations, int iterations) {
        this.table = table;
        this.warmupIterations = warmupIterations;
        this.iterations = iterations;
    }

    public void run() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(PreprocessingBenchmarks.class.getName() + "\\.")
                .forks(1)
                .warmupIterations(warmupIterations).warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .threads(1)
                .jvmArgsAppend("-Xmx2g")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            Statistics s = result.getPrimaryResult().getStatistics();
            table.add("6", NAMES.getOrDefault(method, method), f("%.3f", s.getPercentile(50)),
                    f("p99 %.3f, min %.3f, max %.3f (n=%d calls)", s.getPercentile(99), s.getMin(), s.getMax(),
                            s.getN()),
                    "< 100", ResultTable.verdict(s.getPercentile(50) < 100),
                    f("JMH sample time, 1 fork, %d+%d × 1 s iterations, 1 thread", warmupIterations, iterations));
        }
    }
}
