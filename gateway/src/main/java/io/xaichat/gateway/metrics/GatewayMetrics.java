package io.xaichat.gateway.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The gateway's Prometheus metrics: requests by route and status, their latency, batch lines settled, and the open
 * batches (all gateways', from Redis) and those this gateway runs.
 */
public final class GatewayMetrics {
    private static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Counter requests;
    private final Histogram latency;
    private final Counter batchLines;

    public GatewayMetrics(LongSupplier openBatches, LongSupplier runningBatches) {
        requests = Counter.builder().name("xaichat_gateway_requests_total")
                .help("HTTP requests by route template and status code").labelNames("route", "status")
                .register(registry);
        latency = Histogram.builder().name("xaichat_gateway_request_duration_seconds")
                .help("HTTP request latency (for streams: until the last event)").labelNames("route")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        batchLines = Counter.builder().name("xaichat_gateway_batch_lines_total")
                .help("Batch lines settled by this gateway, by outcome").labelNames("outcome").register(registry);
        GaugeWithCallback.builder().name("xaichat_gateway_open_batches")
                .help("Batches not yet completed, failed, expired or cancelled (all gateways)")
                .callback(cb -> cb.call(openBatches.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("xaichat_gateway_running_batches")
                .help("Batches this gateway is running now")
                .callback(cb -> cb.call(runningBatches.getAsLong())).register(registry);
    }

    public void request(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(nanos / 1e9);
    }

    /** @param outcome {@code completed} or {@code failed} */
    public void batchLine(String outcome) {
        batchLines.labelValues(outcome).inc();
    }

    /** The scrape in the format {@code accept} asks for (Prometheus text by default). */
    public Scrape scrape(String accept) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        return new Scrape(writer.getContentType(), out.toByteArray());
    }

    public record Scrape(String contentType, byte[] body) {}
}
