package io.xaichat.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.gateway.batch.Batches;
import io.xaichat.gateway.chat.ChatCompletions;
import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.gateway.files.FileStore;
import io.xaichat.gateway.files.FilesApi;
import io.xaichat.gateway.http.ApiHandler;
import io.xaichat.gateway.http.HttpCall;
import io.xaichat.gateway.http.Routes;
import io.xaichat.gateway.image.ImageGenerations;
import io.xaichat.gateway.jobs.JobRunner;
import io.xaichat.gateway.metrics.GatewayMetrics;
import io.xaichat.gateway.models.ModelsApi;
import io.xaichat.gateway.tenant.TenantClients;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.worker.health.BrokerProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

/**
 * One gateway process: the HTTP API on Jetty, a Kafka client per tenant, files and batches in Redis, and the batch
 * scheduler. It keeps no state of its own: any number of gateways may serve the same Kafka and Redis.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final JedisPooled redis;
    private final TenantClients clients;
    private final Batches batches;
    private final BrokerProbe broker;
    private final Server server;
    private final Path workDir;

    private Gateway(GatewayConfig config) throws Exception {
        this.config = config;
        this.workDir = config.workDir() != null ? Files.createDirectories(config.workDir())
                : Files.createTempDirectory("xaichat-gateway-");
        GenericObjectPoolConfig<redis.clients.jedis.Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        this.redis = new JedisPooled(pool, config.redisUrl(), 5_000, 10_000);
        this.clients = new TenantClients(config);
        SchemaValidator validator = new SchemaValidator();
        FileStore files = new FileStore(redis);
        this.batches = new Batches(redis, files, clients, validator, config, workDir);
        GatewayMetrics metrics = new GatewayMetrics(batches::openCount, batches::runningCount);
        batches.metrics(metrics);
        this.broker = BrokerProbe.of(Admin.create(adminProperties()));
        JobRunner jobs = new JobRunner(clients, config.requestTimeout());
        ChatCompletions chat = new ChatCompletions(validator, config.models(), jobs, config.maxBodyBytes());
        ImageGenerations images = new ImageGenerations(validator, config.models(), jobs, config.maxBodyBytes());
        ModelsApi models = new ModelsApi(config.models());
        FilesApi filesApi = new FilesApi(files, config.maxFileBytes(), workDir);
        Routes routes = new Routes()
                .open("/healthz", call -> call.json(200, Json.MAPPER.createObjectNode().put("status", "alive")))
                .open("/readyz", this::ready)
                .open("/metrics", call -> {
                    GatewayMetrics.Scrape s = metrics.scrape(call.header(HttpHeader.ACCEPT));
                    call.bytes(200, s.contentType(), s.body());
                })
                .post("/v1/chat/completions", chat::handle)
                .post("/v1/images/generations", images::handle)
                .get("/v1/models", models::list)
                .get("/v1/models/{id}", models::get)
                .post("/v1/files", filesApi::upload)
                .get("/v1/files", filesApi::list)
                .get("/v1/files/{id}", filesApi::get)
                .delete("/v1/files/{id}", filesApi::delete)
                .get("/v1/files/{id}/content", filesApi::content)
                .post("/v1/batches", batches.api()::create)
                .get("/v1/batches", batches.api()::list)
                .get("/v1/batches/{id}", batches.api()::get)
                .post("/v1/batches/{id}/cancel", batches.api()::cancel);
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("xaichat-gateway-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.address().getHostString());
        connector.setPort(config.address().getPort());
        // A request waiting for its job (up to XAICHAT_GATEWAY_REQUEST_TIMEOUT) must not be cut off as idle.
        connector.setIdleTimeout(config.requestTimeout().plusMinutes(1).toMillis());
        server.addConnector(connector);
        server.setHandler(new ApiHandler(routes, config.apiKeys(), metrics));
        server.setStopTimeout(5_000);
    }

    /** Starts serving; fails with a clear message if the port is taken or Redis does not answer. */
    public static Gateway start(GatewayConfig config) {
        Gateway g = null;
        try {
            g = new Gateway(config);
            g.redis.ping();
            g.server.start();
            g.batches.start();
            log.info("gateway {} listening on http://{}:{} (tenants: {}; models: {})", config.gatewayId(),
                    config.address().getHostString(), g.port(), config.apiKeys().tenants(), config.models().served());
            return g;
        } catch (Exception e) {
            if (g != null) g.close();
            if (e instanceof IOException io && io.getMessage() != null && io.getMessage().contains("bind")) {
                throw new UncheckedIOException("cannot listen on " + config.address() + " (" + io.getMessage()
                        + "); choose another --port/XAICHAT_GATEWAY_PORT", io);
            }
            throw new IllegalStateException("gateway could not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public GatewayConfig config() {
        return config;
    }

    private void ready(HttpCall call) {
        boolean brokerUp = broker.reachable();
        boolean redisUp;
        try {
            redisUp = "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            redisUp = false;
        }
        boolean ready = brokerUp && redisUp;
        ObjectNode body = Json.MAPPER.createObjectNode().put("status", ready ? "ready" : "not_ready")
                .put("broker_reachable", brokerUp).put("redis_reachable", redisUp)
                .put("running_batches", batches.runningCount());
        call.json(ready ? 200 : 503, body);
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "xaichat-gateway-" + config.gatewayId() + "-probe");
        return props;
    }

    /** Stops taking requests, stops the batch runs (they stay open for another gateway), closes the clients. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server: {}", e.getMessage());
        }
        batches.close();
        clients.close();
        broker.close();
        redis.close();
        if (config.workDir() == null) {
            try (var files = Files.list(workDir)) {
                files.forEach(f -> f.toFile().delete());
                Files.deleteIfExists(workDir);
            } catch (IOException e) {
                log.debug("could not remove {}: {}", workDir, e.getMessage());
            }
        }
    }
}
