package io.xaichat.worker.config;

import io.xaichat.worker.cpu.CpuSet;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a setting's text becomes a value. {@link #parse} throws {@link IllegalArgumentException} with a message that
 * starts with the offending text (the caller prefixes the flag and the variable).
 *
 * @param label what the help and the README call the value, e.g. {@code INT}, {@code DURATION}
 */
public record SettingType<T>(String label, Function<String, T> parser) {

    public T parse(String text) {
        return parser.apply(text.trim());
    }

    public static final SettingType<String> STRING = new SettingType<>("TEXT", s -> s);

    public static final SettingType<Integer> INT = new SettingType<>("INT", s -> {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a whole number");
        }
    });

    public static final SettingType<Long> LONG = new SettingType<>("LONG", s -> {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a whole number");
        }
    });

    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("BOOL", s -> switch (s.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
    });

    public static final SettingType<Path> PATH = new SettingType<>("PATH", s -> {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + s + "' is not a path: " + e.getReason());
        }
    });

    public static final SettingType<Duration> DURATION = new SettingType<>("DURATION", s -> {
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not a duration (use e.g. 500ms, 30s, 10m, 1h or PT1H)");
        }
    });

    public static final SettingType<CpuSet> CPUS = new SettingType<>("CPUS", s -> {
        try {
            return CpuSet.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not a CPU list (e.g. 0-3 or 0,2): " + e.getMessage());
        }
    });

    /** Comma-separated items, blanks dropped. */
    public static final SettingType<List<String>> LIST = new SettingType<>("LIST",
            s -> Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList());

    /** One of {@code allowed}, case-insensitive; the value is the lower-case name. */
    public static SettingType<String> oneOf(String... allowed) {
        List<String> names = List.of(allowed);
        return new SettingType<>(String.join("|", names), s -> {
            String n = s.toLowerCase(Locale.ROOT);
            if (!names.contains(n)) {
                throw new IllegalArgumentException("'" + s + "' is not one of " + String.join(", ", names));
            }
            return n;
        });
    }

    /** Comma-separated items each of {@code allowed}. */
    public static SettingType<List<String>> listOf(String... allowed) {
        SettingType<String> item = oneOf(allowed);
        return new SettingType<>(String.join(",", allowed),
                s -> LIST.parse(s).stream().map(item::parse).distinct().toList());
    }

    /** {@code host:port[,host:port...]} as Kafka's bootstrap.servers takes it (an optional {@code PROTOCOL://}). */
    public static final SettingType<String> HOST_PORT_LIST = new SettingType<>("HOST:PORT,...", s -> {
        List<String> items = LIST.parse(s);
        if (items.isEmpty()) throw new IllegalArgumentException("'" + s + "' names no host:port");
        for (String item : items) {
            String address = item.contains("://") ? item.substring(item.indexOf("://") + 3) : item;
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? "" : address.substring(0, colon);
            int port = -1;
            try {
                port = colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                // reported below
            }
            if (host.isEmpty() || !host.matches("\\[[0-9a-fA-F:.%]+]|[A-Za-z0-9._%-]+") || port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + item + "' is not host:port (port 1-65535)");
            }
        }
        return String.join(",", items);
    });
}
