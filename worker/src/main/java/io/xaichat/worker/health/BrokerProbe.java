package io.xaichat.worker.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether a broker answers a cluster description within a short timeout. The answer is kept for a few seconds so
 * frequent probes (Kubernetes, Docker, a load balancer) cost one request per interval, not one each.
 */
public final class BrokerProbe implements AutoCloseable {
    private final Admin admin;
    private final Duration timeout;
    private final Duration keepFor;
    private final Clock clock;
    private Instant checkedAt;
    private boolean reachable;

    /** @param admin owned by the probe from now on */
    public BrokerProbe(Admin admin, Duration timeout, Duration keepFor, Clock clock) {
        this.admin = admin;
        this.timeout = timeout;
        this.keepFor = keepFor;
        this.clock = clock;
    }

    /** A 2-second probe whose answer is kept for 5 seconds. */
    public static BrokerProbe of(Admin admin) {
        return new BrokerProbe(admin, Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
    }

    public synchronized boolean reachable() {
        Instant now = clock.instant();
        if (checkedAt == null || !now.isBefore(checkedAt.plus(keepFor))) {
            reachable = ask();
            checkedAt = clock.instant();
        }
        return reachable;
    }

    private boolean ask() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
