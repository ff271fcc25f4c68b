package io.xaichat.worker.health;

import io.xaichat.worker.Worker;

/**
 * Readiness of a worker process: not ready while the models load (the health server already runs then, so
 * {@code /healthz} and {@code /metrics} answer during a long load), ready once the worker started and the broker
 * answers.
 */
public final class WorkerReadiness implements Readiness {
    private final BrokerProbe broker;
    private volatile Worker worker;

    public WorkerReadiness(BrokerProbe broker) {
        this.broker = broker;
    }

    /** Called once the models are loaded and the worker consumes. */
    public void started(Worker started) {
        this.worker = started;
    }

    @Override
    public boolean modelsLoaded() {
        return worker != null;
    }

    @Override
    public boolean brokerReachable() {
        return broker.reachable();
    }

    @Override
    public boolean consumersRunning() {
        Worker w = worker;
        return w != null && w.running();
    }

    @Override
    public CacheState cache() {
        Worker w = worker;
        if (w == null || w.config().redisUrl() == null) return CacheState.DISABLED;
        return w.cacheStatus().up() ? CacheState.UP : CacheState.DOWN;
    }
}
