package io.xaichat.gateway.batch;

import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.gateway.files.FileStore;
import io.xaichat.gateway.metrics.GatewayMetrics;
import io.xaichat.gateway.tenant.TenantClients;
import io.xaichat.schema.SchemaValidator;
import java.nio.file.Path;
import redis.clients.jedis.JedisPooled;

/** The Batch API's parts wired together: the store, the HTTP handlers and the scheduler that runs batches. */
public final class Batches implements AutoCloseable {
    private final BatchStore store;
    private final BatchesApi api;
    private final BatchScheduler scheduler;
    private volatile GatewayMetrics metrics;

    public Batches(JedisPooled redis, FileStore files, TenantClients clients, SchemaValidator validator,
                   GatewayConfig config, Path workDir) {
        this.store = new BatchStore(redis);
        this.api = new BatchesApi(store, files, config.maxBodyBytes());
        BatchValidator batchValidator = new BatchValidator(validator, config.models(), config.maxBatchLines());
        this.scheduler = new BatchScheduler(store, config.gatewayId(), config.batchConcurrency(), config.batchLease(),
                ref -> new BatchExecution(store, files, clients, batchValidator, metrics, workDir, config.batchWindow(),
                        config.requestTimeout(), ref));
    }

    /** Set before {@link #start()}: the metrics read the store, and the runs count their lines in them. */
    public void metrics(GatewayMetrics m) {
        this.metrics = m;
    }

    public BatchesApi api() {
        return api;
    }

    public void start() {
        scheduler.start();
    }

    public long openCount() {
        try {
            return store.openCount();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public long runningCount() {
        return scheduler.runningCount();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
