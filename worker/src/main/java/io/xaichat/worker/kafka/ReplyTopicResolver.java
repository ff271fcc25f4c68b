package io.xaichat.worker.kafka;

import io.xaichat.worker.cache.RecentEntries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether a reply topic exists, asked of the broker with a short timeout and remembered for a while, so the
 * producer is only ever given topics that exist (it never creates one, and a missing topic would block it for
 * {@code max.block.ms}). A name the broker does not know, or will not describe to this worker, is refused.
 */
public final class ReplyTopicResolver {
    /** What the broker said about a topic. */
    public enum Existence { EXISTS, MISSING, UNKNOWN }

    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Existence existence, long expiresAtNanos) {}

    private final Admin admin;
    private final Duration timeout;
    private final Duration existingTtl;
    private final Duration missingTtl;
    private final LongSupplier nanoTime;
    private final RecentEntries<String, Entry> cache = new RecentEntries<>(MAX_ENTRIES);

    /**
     * @param timeout longest one lookup may hold up a job
     * @param existingTtl how long an existing topic is remembered
     * @param missingTtl how long a missing topic is remembered (a client may create it meanwhile)
     */
    public ReplyTopicResolver(Admin admin, Duration timeout, Duration existingTtl, Duration missingTtl,
                              LongSupplier nanoTime) {
        this.admin = admin;
        this.timeout = timeout;
        this.existingTtl = existingTtl;
        this.missingTtl = missingTtl;
        this.nanoTime = nanoTime;
    }

    public static ReplyTopicResolver withDefaults(Admin admin) {
        return new ReplyTopicResolver(admin, Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(10),
                System::nanoTime);
    }

    public Existence existence(String topic) {
        long now = nanoTime.getAsLong();
        Entry e = cache.get(topic);
        if (e != null && now - e.expiresAtNanos() < 0) return e.existence();
        Existence found = describe(topic);
        if (found != Existence.UNKNOWN) {
            long ttl = (found == Existence.EXISTS ? existingTtl : missingTtl).toNanos();
            cache.put(topic, new Entry(found, now + ttl));
        }
        return found;
    }

    /** Forgets what is known of {@code topic}: a send to it failed, so it may have been deleted. */
    public void forget(String topic) {
        cache.remove(topic);
    }

    private Existence describe(String topic) {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Existence.EXISTS;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException || cause instanceof TopicAuthorizationException
                    || cause instanceof InvalidTopicException) {
                return Existence.MISSING;
            }
            return Existence.UNKNOWN;
        } catch (TimeoutException e) {
            return Existence.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Existence.UNKNOWN;
        }
    }
}
