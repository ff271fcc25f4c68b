package io.xaichat.worker.config;

import java.time.Duration;

/** Checks a parsed value; {@link #check} returns null when the value is fine, else what is wrong with it. */
@FunctionalInterface
public interface Validator<T> {
    String check(T value);

    static <T> Validator<T> none() {
        return v -> null;
    }

    static Validator<Integer> between(int min, int max) {
        return v -> v < min || v > max ? v + " is not between " + min + " and " + max : null;
    }

    static Validator<Integer> atLeast(int min) {
        return v -> v < min ? v + " is below the minimum " + min : null;
    }

    static Validator<Long> atLeast(long min) {
        return v -> v < min ? v + " is below the minimum " + min : null;
    }

    static Validator<Long> between(long min, long max) {
        return v -> v < min || v > max ? v + " is not between " + min + " and " + max : null;
    }

    /** 0 takes a free port. */
    static Validator<Integer> port() {
        return v -> v < 0 || v > 65535 ? v + " is not a port (1-65535, or 0 for any free port)" : null;
    }

    static Validator<Integer> multipleOf(int step, int min) {
        return v -> v < min || v % step != 0 ? v + " is not a multiple of " + step + " of at least " + min : null;
    }

    static Validator<Duration> positive() {
        return v -> v.isNegative() || v.isZero() ? v + " is not positive" : null;
    }

    static Validator<Duration> notNegative() {
        return v -> v.isNegative() ? v + " is negative" : null;
    }

    static Validator<String> matches(String regex, String what) {
        return v -> v.matches(regex) ? null : "'" + v + "' is not " + what;
    }
}
