package io.xaichat.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.embedded.EmbeddedRedis;
import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import io.xaichat.worker.engine.JobFailure;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cache policy and single-flight logic against a real Redis. */
@ExtendWith(RedisExtension.class)
class CachedComputeTest {
    private RedisResultCache cache;
    private final AtomicInteger computations = new AtomicInteger();
    private final CacheKey key = CacheKey.of(JobKind.CHAT, "m", "d", Json.MAPPER.createObjectNode()
            .put("prompt", "p" + System.nanoTime()));

    @BeforeEach
    void connect(RedisHandle redis) {
        cache = new RedisResultCache(URI.create(redis.url()), Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofSeconds(2));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private CachedCompute cached(String owner) {
        return new CachedCompute(cache, owner, Duration.ofSeconds(30), Duration.ofMillis(10), new CacheStatus());
    }

    private ResultEnvelope compute(String text) {
        computations.incrementAndGet();
        return new ResultEnvelope("j", ResultStatus.OK, JobKind.CHAT, Json.MAPPER.valueToTree(text), null, null,
                false, "w", "m", "stop", null);
    }

    @Test
    void identicalJobsInFlightComputeOnce() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<CachedCompute.Outcome> first = CompletableFuture.supplyAsync(() -> call(cached("w1"), () -> {
            firstStarted.countDown();
            await(release);
            return compute("answer");
        }));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<CachedCompute.Outcome> second = CompletableFuture.supplyAsync(
                () -> call(cached("w2"), () -> compute("second computed")));

        Thread.sleep(300); // the second job is now waiting on the first one's lock
        assertThat(second).isNotDone();
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).fromCache()).isFalse();
        CachedCompute.Outcome waited = second.get(10, TimeUnit.SECONDS);
        assertThat(waited.fromCache()).isTrue();
        assertThat(waited.result().text()).isEqualTo("answer");
        assertThat(computations).hasValue(1);
    }

    @Test
    void aFailedComputationReleasesTheLockSoTheWaiterComputes() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> {
            try {
                return cached("w1").fetchOrCompute(key, CachePolicy.AUTO, true, () -> {
                    firstStarted.countDown();
                    await(release);
                    throw new JobFailure(io.xaichat.schema.ErrorCode.ENGINE_FAILURE, "boom");
                });
            } catch (JobFailure | InterruptedException e) {
                return e;
            }
        });
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<CachedCompute.Outcome> second = CompletableFuture.supplyAsync(
                () -> call(cached("w2"), () -> compute("recovered")));
        Thread.sleep(200);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(JobFailure.class);
        CachedCompute.Outcome outcome = second.get(10, TimeUnit.SECONDS);
        assertThat(outcome.fromCache()).isFalse();
        assertThat(outcome.result().text()).isEqualTo("recovered");
    }

    @Test
    void policiesDecideWhatIsReadAndWritten() throws Exception {
        CachedCompute c = cached("w1");
        assertThat(c.fetchOrCompute(key, CachePolicy.AUTO, false, () -> compute("a")).fromCache()).isFalse();
        assertThat(cache.get(key)).as("non-deterministic results are not stored").isEmpty();
        assertThat(c.fetchOrCompute(key, CachePolicy.BYPASS, true, () -> compute("b")).fromCache()).isFalse();
        assertThat(cache.get(key)).as("bypass neither reads nor writes").isEmpty();
        assertThat(c.fetchOrCompute(key, CachePolicy.AUTO, true, () -> compute("c")).fromCache()).isFalse();
        assertThat(c.fetchOrCompute(key, CachePolicy.AUTO, true, () -> compute("d")).result().text()).isEqualTo("c");
        assertThat(c.fetchOrCompute(key, CachePolicy.REFRESH, true, () -> compute("e")).fromCache()).isFalse();
        assertThat(c.fetchOrCompute(key, CachePolicy.AUTO, true, () -> compute("f")).result().text()).isEqualTo("e");
        assertThat(computations).hasValue(4);
    }

    @Test
    void withRedisDownJobsAreComputedAndTheOutageIsReported() throws Exception {
        try (EmbeddedRedis own = EmbeddedRedis.startDefault();
             RedisResultCache ownCache = new RedisResultCache(URI.create(own.url()), Duration.ofMinutes(1),
                     Duration.ofSeconds(30), Duration.ofMillis(500))) {
            CacheStatus status = new CacheStatus();
            CachedCompute c = new CachedCompute(ownCache, "w1", Duration.ofSeconds(5), Duration.ofMillis(10), status);
            own.stop();
            CachedCompute.Outcome outcome = c.fetchOrCompute(key, CachePolicy.AUTO, true, () -> compute("x"));
            assertThat(outcome.result().text()).isEqualTo("x");
            assertThat(status.up()).isFalse();
            assertThat(status.errors()).isPositive();

            own.start();
            c.fetchOrCompute(key, CachePolicy.AUTO, true, () -> compute("y"));
            assertThat(status.up()).isTrue();
            assertThat(c.fetchOrCompute(key, CachePolicy.AUTO, true, () -> compute("z")).fromCache()).isTrue();
        }
    }

    @Test
    void aLivingHolderKeepsItsLockPastTheLeaseAndADeadOnesLockFreesItself(RedisHandle redis) throws Exception {
        Duration lease = Duration.ofMillis(400);
        try (RedisResultCache leased = new RedisResultCache(URI.create(redis.url()), Duration.ofMinutes(1), lease,
                Duration.ofSeconds(2));
             CachedCompute living = new CachedCompute(leased, "alive", Duration.ofSeconds(30), Duration.ofMillis(10),
                     new CacheStatus(), lease)) {
            CompletableFuture<Boolean> lockedLate = new CompletableFuture<>();
            living.fetchOrCompute(key, CachePolicy.AUTO, true, () -> {
                Thread.sleep(3 * lease.toMillis()); // computing for three leases
                lockedLate.complete(leased.locked(key));
                return compute("slow");
            });
            assertThat(lockedLate.get()).as("renewed while computing").isTrue();
            assertThat(leased.locked(key)).as("released after").isFalse();

            // A holder that died: nobody renews its lock, so a waiter computes after one lease, not after 30 s.
            CacheKey other = CacheKey.of(JobKind.CHAT, "m", "d", Json.MAPPER.createObjectNode().put("prompt", "dead"
                    + System.nanoTime()));
            assertThat(leased.tryLock(other, "dead-worker")).isTrue();
            long start = System.nanoTime();
            CachedCompute.Outcome outcome = living.fetchOrCompute(other, CachePolicy.AUTO, true, () -> compute("mine"));
            assertThat(outcome.fromCache()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private CachedCompute.Outcome call(CachedCompute c, CachedCompute.Computation computation) {
        try {
            return c.fetchOrCompute(key, CachePolicy.AUTO, true, computation);
        } catch (JobFailure | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
