package io.xaichat.worker.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed settings and every problem found so far. Builders read values and add their own (cross-setting)
 * problems; {@link #check} then throws them all at once, so one run shows everything to fix.
 */
public final class ConfigValues {
    /** Where a value came from. */
    public enum Source { FLAG, ENVIRONMENT, DEFAULT }

    private final Map<Setting<?>, Object> values = new HashMap<>();
    private final Map<Setting<?>, Source> sources = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    void put(Setting<?> s, Object value, Source source) {
        values.put(s, value);
        sources.put(s, source);
    }

    /** The value; null when unset or invalid (the problem is then already recorded). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> s) {
        if (!sources.containsKey(s)) throw new IllegalArgumentException("setting not defined here: " + s.name());
        return (T) values.get(s);
    }

    public <T> T get(Setting<T> s, T whenUnset) {
        T v = get(s);
        return v == null ? whenUnset : v;
    }

    public Source source(Setting<?> s) {
        return sources.get(s);
    }

    /** Whether the user chose the value (flag or variable) rather than leaving the default. */
    public boolean isSet(Setting<?> s) {
        return source(s) != Source.DEFAULT;
    }

    /** Whether the value parsed and passed its validator (unset optional settings count as valid). */
    public boolean valid(Setting<?> s) {
        return problems.stream().noneMatch(p -> p.startsWith(s.label() + ":"));
    }

    public void problem(Setting<?> s, String message) {
        problems.add(s.label() + ": " + message);
    }

    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @throws ConfigException listing every problem, when there is any */
    public void check() {
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }
}
