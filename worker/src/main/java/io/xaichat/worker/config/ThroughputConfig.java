package io.xaichat.worker.config;

import io.xaichat.schema.JobKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many jobs a worker keeps in flight, validated once at start.
 *
 * @param concurrency jobs processed at once per kind; 0 (or absent) = the kind's default: the engine's slot count for
 *     chat, 1 for vision and image
 * @param maxBufferedRecords records taken off the topics and not yet answered, per kind, before the consumer pauses
 * @param commitInterval how often finished offsets are committed (asynchronously) while jobs run
 */
public record ThroughputConfig(Map<JobKind, Integer> concurrency, int maxBufferedRecords, Duration commitInterval) {
    public static final int DEFAULT_MAX_BUFFERED = 1000;
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final ThroughputConfig DEFAULTS =
            new ThroughputConfig(Map.of(), DEFAULT_MAX_BUFFERED, DEFAULT_COMMIT_INTERVAL);

    public ThroughputConfig {
        concurrency = concurrency.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(concurrency));
        List<String> problems = new ArrayList<>();
        concurrency.forEach((kind, n) -> {
            if (n < 0) {
                problems.add(flag(kind) + "/" + env(kind) + " must be ≥ 1 (or 0 for the default), got " + n);
            }
        });
        if (maxBufferedRecords < 1) {
            problems.add("--max-buffered-records/XAICHAT_MAX_BUFFERED_RECORDS must be ≥ 1, got " + maxBufferedRecords);
        }
        if (commitInterval.isNegative() || commitInterval.isZero()) {
            problems.add("--commit-interval/XAICHAT_COMMIT_INTERVAL must be positive, got " + commitInterval);
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    /** Jobs of {@code kind} in flight at once, for an engine serving {@code engineSlots} run calls at once. */
    public int concurrency(JobKind kind, int engineSlots) {
        int set = concurrency.getOrDefault(kind, 0);
        if (set > 0) return set;
        return kind == JobKind.CHAT ? Math.max(1, engineSlots) : 1;
    }

    public ThroughputConfig withConcurrency(JobKind kind, int n) {
        Map<JobKind, Integer> m = new EnumMap<>(JobKind.class);
        m.putAll(concurrency);
        m.put(kind, n);
        return new ThroughputConfig(m, maxBufferedRecords, commitInterval);
    }

    public ThroughputConfig withMaxBufferedRecords(int n) {
        return new ThroughputConfig(concurrency, n, commitInterval);
    }

    static String flag(JobKind kind) {
        return "--" + kind.wireName() + "-concurrency";
    }

    static String env(JobKind kind) {
        return "XAICHAT_" + kind.wireName().toUpperCase(Locale.ROOT) + "_CONCURRENCY";
    }
}
