package io.xaichat.worker.config;

import java.util.List;

/** Invalid settings found at start; the message lists every problem, one per line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }
}
