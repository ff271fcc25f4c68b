package io.xaichat.worker.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The worker's HTTP endpoints: {@code /metrics} (Prometheus text format, or OpenMetrics/protobuf when the scraper
 * asks), {@code /healthz} (the process answers: 200) and {@code /readyz} (200 when the models are loaded, the
 * consumers run and the broker answers; 503 otherwise; the JSON body says which check failed and the cache state).
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @param address port 0 takes a free port; see {@link #port()} */
    public static HealthServer start(InetSocketAddress address, PrometheusRegistry registry, Readiness readiness) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics and health checks on " + address.getHostString()
                    + ":" + address.getPort() + " (" + e.getMessage() + "); choose another --metrics-port or "
                    + "--metrics-bind, or turn the endpoint off with --no-metrics", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "xaichat-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", getOnly("/metrics", new MetricsHandler(registry)));
        server.createContext("/healthz", getOnly("/healthz", ex -> respond(ex, 200, "{\"status\":\"alive\"}")));
        server.createContext("/readyz", getOnly("/readyz", ex -> ready(ex, readiness)));
        server.start();
        return new HealthServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void ready(HttpExchange exchange, Readiness readiness) throws IOException {
        boolean models = readiness.modelsLoaded();
        boolean consumers = readiness.consumersRunning();
        boolean broker = readiness.brokerReachable();
        boolean ready = models && consumers && broker;
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("status", ready ? "ready" : "not_ready")
                .put("models_loaded", models)
                .put("consumers_running", consumers)
                .put("broker_reachable", broker)
                .put("cache", readiness.cache().name().toLowerCase(Locale.ROOT));
        respond(exchange, ready ? 200 : 503, body.toString());
    }

    /** Exact path, GET or HEAD: the JDK server routes by prefix and accepts any method. */
    private static HttpHandler getOnly(String path, HttpHandler handler) {
        return exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    respond(exchange, 404, "{\"error\":\"not found\"}");
                } else if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    respond(exchange, 405, "{\"error\":\"method not allowed\"}");
                } else {
                    handler.handle(exchange);
                }
            }
        };
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
