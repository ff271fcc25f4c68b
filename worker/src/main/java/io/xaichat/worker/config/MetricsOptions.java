package io.xaichat.worker.config;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * Flags of the worker's HTTP endpoint ({@code /metrics}, {@code /healthz}, {@code /readyz}), each defaulting to an
 * environment variable. A picocli mixin: {@code @Mixin MetricsOptions metrics;}.
 */
public final class MetricsOptions {
    public static final int DEFAULT_PORT = 9400;

    @Option(names = "--metrics-port", defaultValue = "${env:XAICHAT_METRICS_PORT:-9400}",
            description = "Port of /metrics, /healthz and /readyz; 0 takes a free port. Env XAICHAT_METRICS_PORT. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--metrics-bind", defaultValue = "${env:XAICHAT_METRICS_BIND:-0.0.0.0}",
            description = "Address the endpoint listens on (127.0.0.1 keeps it on the machine). Env XAICHAT_METRICS_BIND. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--no-metrics", description = "Serve no HTTP endpoint (no metrics, no health checks).")
    boolean disabled;

    /** Whether to serve the endpoint. */
    public boolean enabled() {
        return !disabled;
    }

    /** The address to listen on, validated. */
    public InetSocketAddress address() {
        if (port < 0 || port > 65535) {
            throw new ConfigException("--metrics-port/XAICHAT_METRICS_PORT must be between 0 and 65535, got " + port);
        }
        if (bind == null || bind.isBlank()) {
            throw new ConfigException("--metrics-bind/XAICHAT_METRICS_BIND is empty: give an address such as 0.0.0.0 or 127.0.0.1");
        }
        // Resolved now so a typo fails at start, not on the first scrape.
        InetSocketAddress address = new InetSocketAddress(bind.trim(), port);
        if (address.isUnresolved()) {
            throw new ConfigException("--metrics-bind/XAICHAT_METRICS_BIND: cannot resolve '" + bind + "'");
        }
        return address;
    }
}
