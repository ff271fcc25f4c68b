package io.xaichat.client;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human durations on the command line and in messages: {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 500ms}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /** Parses {@code 1h30m}, {@code 45s}, {@code 250ms}, a bare number of seconds, or ISO-8601 ({@code PT10M}). */
    public static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("pt") || s.startsWith("p")) {
            try {
                return positive(Duration.parse(text.trim()), text);
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid(text);
            }
        }
        if (s.matches("\\d+")) return positive(Duration.ofSeconds(Long.parseLong(s)), text);
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) throw invalid(text);
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) throw invalid(text);
        return positive(total, text);
    }

    /** The shortest form {@link #parse} reads back, e.g. {@code 10m} or {@code 1h30m}. */
    public static String format(Duration d) {
        if (d.isZero()) return "0s";
        StringBuilder sb = new StringBuilder();
        if (d.toDaysPart() > 0) sb.append(d.toDaysPart()).append('d');
        if (d.toHoursPart() > 0) sb.append(d.toHoursPart()).append('h');
        if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0) sb.append(d.toSecondsPart()).append('s');
        if (d.toMillisPart() > 0) sb.append(d.toMillisPart()).append("ms");
        return sb.toString();
    }

    private static Duration positive(Duration d, String text) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("duration '" + text + "' must be positive");
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration '" + text
                + "' (expected e.g. 90s, 10m, 1h30m, 500ms, a number of seconds, or ISO-8601 like PT10M)");
    }
}
