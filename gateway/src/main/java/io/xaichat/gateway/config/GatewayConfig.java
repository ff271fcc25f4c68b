package io.xaichat.gateway.config;

import io.xaichat.gateway.auth.ApiKeys;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.Topics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The gateway's settings, validated once by {@link GatewayOptions#toConfig()}.
 *
 * @param gatewayId names this gateway's reply topics and the batch leases it holds
 * @param maxBodyBytes largest JSON request body
 * @param maxFileBytes largest uploaded file
 * @param requestTimeout how long an HTTP request waits for its job's answer
 * @param batchWindow jobs in flight per running batch
 * @param batchConcurrency batches this gateway runs at once
 * @param batchLease a batch whose runner has not renewed its lease for this long is taken over
 * @param workDir scratch space for batch input files; null for a temporary directory
 */
public record GatewayConfig(
        String gatewayId,
        InetSocketAddress address,
        ApiKeys apiKeys,
        ModelCatalog models,
        String bootstrapServers,
        Map<String, String> kafkaProperties,
        Topics topics,
        URI redisUrl,
        long maxBodyBytes,
        long maxFileBytes,
        int maxBatchLines,
        Duration requestTimeout,
        int batchWindow,
        int batchConcurrency,
        Duration batchLease,
        Path workDir) {

    public GatewayConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public GatewayConfig withAddress(InetSocketAddress a) {
        return new GatewayConfig(gatewayId, a, apiKeys, models, bootstrapServers, kafkaProperties, topics, redisUrl,
                maxBodyBytes, maxFileBytes, maxBatchLines, requestTimeout, batchWindow, batchConcurrency, batchLease,
                workDir);
    }
}
