package io.xaichat.bench;

import static io.xaichat.bench.ResultTable.f;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figure 7: the working memory of one vision job — peak resident set during the job minus the resident set after
 * the model loaded — for a 640×480, a 1920×1080 and a 4032×3024 photo after the worker's 1280-token cap, against the
 * estimate the worker makes before running it; and how long the worker takes to refuse the 4032×3024 photo when the
 * cap is lifted to the published 16,384 tokens (the refusal must come before any inference). Each job runs in a
 * child JVM of its own ({@link VisionJobProcess}) on a model with the real widths ({@link SyntheticQwenVl}).
 */
public final class VisionMemoryBench {
    static final String HEAP = "-Xmx2g";
    private final ResultTable table;

    public VisionMemoryBench(ResultTable table) {
        this.table = table;
    }

    public void run(Path modelsDir, int threads) throws IOException, InterruptedException {
        Path model = SyntheticQwenVl.write(modelsDir.resolve("synthetic-qwen2-vl-widths"));
        for (int[] size : List.of(new int[] {640, 480}, new int[] {1920, 1080}, new int[] {4032, 3024})) {
            Map<String, String> r = child(model, size[0], size[1], 1280, threads);
            double measured = (Long.parseLong(r.get("peak_kib")) - Long.parseLong(r.get("loaded_kib"))) / 1024.0;
            double estimate = Long.parseLong(r.get("estimate_bytes")) / (1024.0 * 1024);
            table.add("7", f("vision job working memory (peak RSS − RSS after load), MiB, %d×%d → %s",
                            size[0], size[1], r.get("resized")),
                    f("%.0f", measured),
                    f("worker's estimate %.0f MiB (estimate/measured %.2f); peak RSS %.0f MiB; job %d ms", estimate,
                            estimate / measured, Long.parseLong(r.get("peak_kib")) / 1024.0, Long.parseLong(r.get("total_ms"))),
                    "estimate ≥ measured", ResultTable.verdict(estimate >= measured),
                    f("child JVM %s, %d threads, cap 1280 visual tokens, real widths (2 vision blocks, 1 decoder layer)",
                            HEAP, threads));
        }
        Map<String, String> refused = child(model, 4032, 3024, 16384, threads);
        boolean ok = "refused".equals(refused.get("status")) && "0".equals(refused.get("inferences"));
        table.add("7", "refusal of a 4032×3024 photo with the cap lifted to 16,384 tokens, ms",
                refused.getOrDefault("ms", "-"),
                f("estimate %.0f GiB; %s; inferences run: %s", Long.parseLong(refused.get("estimate_bytes")) / 1073741824.0,
                        refused.getOrDefault("code", refused.get("status")), refused.get("inferences")),
                "refused before any inference", ResultTable.verdict(ok), f("limit 6144 MiB (default), %d threads", threads));
    }

    private static Map<String, String> child(Path model, int width, int height, int cap, int threads)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                VisionJobProcess.class.getName(), model.toString(), Integer.toString(width), Integer.toString(height),
                Integer.toString(cap), Integer.toString(threads))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) result = line;
            }
        }
        if (!p.waitFor(30, TimeUnit.MINUTES)) p.destroyForcibly();
        if (result == null) throw new IllegalStateException("vision job process for " + width + "×" + height + " printed no result");
        Map<String, String> values = new HashMap<>();
        String[] parts = result.split(" ");
        values.put("status", parts[1]);
        for (int i = 2; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0 && !values.containsKey("message")) values.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return values;
    }
}
