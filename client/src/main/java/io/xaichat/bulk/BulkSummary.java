package io.xaichat.bulk;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a bulk run did. Every non-blank input line is counted exactly once in succeeded, failed, invalid or skipped
 * (once the run finished; an interrupted run leaves the jobs in flight uncounted).
 *
 * @param lines non-blank input lines
 * @param skipped lines whose custom_id the output already answered (resume)
 * @param cached answers served from the workers' result cache
 * @param duplicatesDropped second answers to one job (redelivery) that were dropped
 * @param interrupted the run was interrupted before every line was settled
 * @param warnings per body field (e.g. {@code body.user}), how many lines had it ignored or served differently
 *     than asked; each such line is also in the errors file
 */
public record BulkSummary(long lines, long succeeded, long failed, long invalid, long skipped, long cached,
                          long promptTokens, long completionTokens, Duration wallTime, long duplicatesDropped,
                          boolean interrupted, Map<String, Long> warnings) {

    public BulkSummary {
        warnings = warnings == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(warnings));
    }

    public BulkSummary(long lines, long succeeded, long failed, long invalid, long skipped, long cached,
                       long promptTokens, long completionTokens, Duration wallTime, long duplicatesDropped,
                       boolean interrupted) {
        this(lines, succeeded, failed, invalid, skipped, cached, promptTokens, completionTokens, wallTime,
                duplicatesDropped, interrupted, Map.of());
    }

    public long settled() {
        return succeeded + failed + invalid + skipped;
    }

    /** Completion tokens generated per second of wall time (cache hits included). */
    public double tokensPerSecond() {
        double s = wallTime.toNanos() / 1e9;
        return s <= 0 ? 0 : completionTokens / s;
    }

    /** The end-of-run report for people. */
    public String describe() {
        return String.format(Locale.ROOT, """
                %s: %d lines in %s
                  succeeded %d (cache hits %d), failed %d, invalid %d, skipped (already answered) %d%s
                  tokens: %d prompt, %d generated, %.1f generated tokens/s%s""",
                interrupted ? "interrupted" : "done", lines, formatWall(wallTime), succeeded, cached, failed, invalid,
                skipped, duplicatesDropped > 0 ? ", duplicate answers dropped " + duplicatesDropped : "",
                promptTokens, completionTokens, tokensPerSecond(), describeWarnings());
    }

    private String describeWarnings() {
        if (warnings.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("\n  fields ignored or served differently (lines; details in the errors file):");
        warnings.forEach((field, n) -> sb.append(' ').append(field).append(' ').append(n).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    private static String formatWall(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d:%02d.%03d", d.toHours(), d.toMinutesPart(), d.toSecondsPart(),
                d.toMillisPart());
    }
}
