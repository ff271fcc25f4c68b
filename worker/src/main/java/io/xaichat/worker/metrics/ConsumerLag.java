package io.xaichat.worker.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Lag per partition as the Kafka consumer measures it itself ({@code records-lag} of the fetch manager): the
 * distance from the last fetched offset to the partition's high watermark, as of the last fetch. Reading the
 * consumer's metrics is thread-safe, unlike every other consumer call.
 */
public final class ConsumerLag implements LagSource {
    static final String GROUP = "consumer-fetch-manager-metrics";
    static final String NAME = "records-lag";

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;

    /** @param metrics a consumer's {@code metrics()}, e.g. {@code consumer::metrics} */
    public ConsumerLag(Supplier<Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = metrics;
    }

    @Override
    public List<PartitionLag> lags() {
        List<PartitionLag> lags = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
            MetricName name = e.getKey();
            if (!GROUP.equals(name.group()) || !NAME.equals(name.name())) continue;
            String topic = name.tags().get("topic");
            String partition = name.tags().get("partition");
            if (topic == null || partition == null) continue;
            Object value = e.getValue().metricValue();
            // NaN until the first fetch of the partition has come back.
            if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
                lags.add(new PartitionLag(topic, Integer.parseInt(partition), n.doubleValue()));
            }
        }
        return lags;
    }
}
