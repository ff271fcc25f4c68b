package io.xaichat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of the benchmark report, rendered as one markdown table. */
public final class ResultTable {

    /**
     * @param figure what was measured
     * @param value the median (or the single figure)
     * @param spread how much repeats varied: a range or percentiles, with the sample count
     * @param target the target, or "–"
     * @param verdict met / MISSED / info
     * @param setup threads, model file, job counts
     */
    public record Row(String section, String figure, String value, String spread, String target, String verdict,
                      String setup) {}

    private final List<Row> rows = new ArrayList<>();

    public synchronized void add(Row row) {
        rows.add(row);
        System.out.println("| " + String.join(" | ", cells(row)) + " |");
        System.out.flush();
    }

    public synchronized void add(String section, String figure, String value, String spread, String target,
                                 String verdict, String setup) {
        add(new Row(section, figure, value, spread, target, verdict, setup));
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    public synchronized String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| # | Figure | Median | Spread | Target | Verdict | Setup |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) sb.append("| ").append(String.join(" | ", cells(r))).append(" |\n");
        return sb.toString();
    }

    private static List<String> cells(Row r) {
        return List.of(r.section(), r.figure(), r.value(), r.spread(), r.target(), r.verdict(), r.setup()).stream()
                .map(c -> c.replace("|", "\\|").replace("\n", " ")).toList();
    }

    /** "met" when {@code ok}, otherwise "MISSED", so a missed target stands out in the table. */
    public static String verdict(boolean ok) {
        return ok ? "met" : "**MISSED**";
    }

    public static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
