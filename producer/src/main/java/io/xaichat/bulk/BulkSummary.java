package io.xaichat.bulk;

import java.time.Duration;
import java.util.Locale;

/**
 * What a bulk run did. Every non-blank input line is counted exactly once in succeeded, failed, invalid or skipped
 * (once the run finished; an interrupted run leaves the jobs in flight uncounted).
 *
 * @param lines non-blank input lines
 * @param skipped lines whose custom_id the output already answered (resume)
 * @param cached answers served from the workers' result cache
 * @param duplicatesDropped second answers to one job (redelivery) that were dropped
 * @param interrupted the run was interrupted before every line was settled
 */
public record BulkSummary(long lines, long succeeded, long failed, long invalid, long skipped, long cached,
                          long promptTokens, long completionTokens, Duration wallTime, long duplicatesDropped,
                          boolean interrupted) {

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
                  tokens: %d prompt, %d generated, %.1f generated tokens/s""",
                interrupted ? "interrupted" : "done", lines, formatWall(wallTime), succeeded, cached, failed, invalid,
                skipped, duplicatesDropped > 0 ? ", duplicate answers dropped " + duplicatesDropped : "",
                promptTokens, completionTokens, tokensPerSecond());
    }

    private static String formatWall(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d:%02d.%03d", d.toHours(), d.toMinutesPart(), d.toSecondsPart(),
                d.toMillisPart());
    }
}
