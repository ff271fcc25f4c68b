package io.xaichat.gateway.tenant;

import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.schema.JobKind;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link XaiChatClient} per tenant, started on the tenant's first request: each has its own reply topic, so
 * one tenant's answers never travel on another's topic.
 */
public final class TenantClients implements AutoCloseable {
    private final GatewayConfig config;
    private final Map<String, XaiChatClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public TenantClients(GatewayConfig config) {
        this.config = config;
    }

    public XaiChatClient client(String tenant) {
        if (closed) throw new IllegalStateException("the gateway is shutting down");
        return clients.computeIfAbsent(tenant, t -> {
            ClientConfig c = ClientConfig.of(config.bootstrapServers())
                    .withKafkaProperties(config.kafkaProperties())
                    .withTopicPrefix(config.topics().prefix())
                    .withClientId(TenantScope.clientId(t, config.gatewayId()));
            for (JobKind k : JobKind.values()) c = c.withTimeout(k, config.requestTimeout());
            return XaiChatClient.start(c);
        });
    }

    @Override
    public void close() {
        closed = true;
        clients.values().forEach(XaiChatClient::close);
        clients.clear();
    }
}
