package io.xaichat.gateway.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.gateway.tenant.TenantScope;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Batches in Redis, shared by every gateway and kept across restarts. Per tenant ({@link TenantScope#redisPrefix}):
 * {@code batch:<id>} the batch object in OpenAI's shape, {@code batches} the ids by creation time,
 * {@code batch:<id>:done} the custom_ids already settled, {@code batch:<id>:output} and {@code :errors} their lines.
 * Across tenants: {@code xaichat:gw:open-batches} ({@code tenant/id} of every unfinished batch) and
 * {@code xaichat:gw:lease:<tenant>/<id>}, the gateway running it.
 */
public final class BatchStore {
    static final String OPEN = "xaichat:gw:open-batches";
    private static final String LEASE = "xaichat:gw:lease:";

    /** Compare-and-set of the whole batch object: updates from several gateways never overwrite each other. */
    private static final String CAS =
            "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2]) return 1 else return 0 end";
    /** A line is recorded once per key, with its key, in one step: a retried or raced line is never doubled. */
    private static final String RECORD =
            "if redis.call('sadd', KEYS[1], ARGV[1]) == 1 then redis.call('rpush', KEYS[2], ARGV[2]) return 1 else return 0 end";
    private static final String RENEW =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private final JedisPooled redis;

    public BatchStore(JedisPooled redis) {
        this.redis = redis;
    }

    /** A batch as {@code tenant/id}, the form in the open set and the leases. */
    public record Ref(String tenant, String id) {
        static Ref parse(String s) {
            int slash = s.indexOf('/');
            return new Ref(s.substring(0, slash), s.substring(slash + 1));
        }

        @Override
        public String toString() {
            return tenant + "/" + id;
        }
    }

    void create(String tenant, ObjectNode batch) {
        String id = batch.get("id").asText();
        String p = TenantScope.redisPrefix(tenant);
        try (AbstractTransaction tx = redis.multi()) {
            tx.set(p + "batch:" + id, Json.toString(batch));
            tx.zadd(p + "batches", batch.get("created_at").asLong(), id);
            tx.sadd(OPEN, new Ref(tenant, id).toString());
            tx.exec();
        }
    }

    public Optional<ObjectNode> get(String tenant, String id) {
        String json = redis.get(key(tenant, id));
        return json == null ? Optional.empty() : Optional.of(parse(json));
    }

    /** Applies {@code change} atomically (retrying on a concurrent update); returns the new object, or empty if none. */
    Optional<ObjectNode> update(String tenant, String id, UnaryOperator<ObjectNode> change) {
        String key = key(tenant, id);
        for (int attempt = 0; attempt < 100; attempt++) {
            String before = redis.get(key);
            if (before == null) return Optional.empty();
            ObjectNode changed = change.apply(parse(before));
            if (changed == null) return Optional.of(parse(before));
            Object ok = redis.eval(CAS, List.of(key), List.of(before, Json.toString(changed)));
            if (Long.valueOf(1).equals(ok)) return Optional.of(changed);
        }
        throw new IllegalStateException("batch " + id + " changed 100 times while being updated");
    }

    /** Newest first, after {@code afterId} if given. */
    List<ObjectNode> list(String tenant, String afterId, int limit) {
        String p = TenantScope.redisPrefix(tenant);
        long start = 0;
        if (afterId != null) {
            Long rank = redis.zrevrank(p + "batches", afterId);
            start = rank == null ? 0 : rank + 1;
        }
        List<ObjectNode> out = new ArrayList<>();
        for (String id : redis.zrevrange(p + "batches", start, start + limit)) get(tenant, id).ifPresent(out::add);
        return out;
    }

    Set<Ref> open() {
        Set<Ref> refs = new HashSet<>();
        for (String s : redis.smembers(OPEN)) refs.add(Ref.parse(s));
        return refs;
    }

    long openCount() {
        return redis.scard(OPEN);
    }

    void closed(Ref ref) {
        redis.srem(OPEN, ref.toString());
    }

    boolean acquireLease(Ref ref, String owner, long millis) {
        return "OK".equals(redis.set(LEASE + ref, owner, SetParams.setParams().nx().px(millis)));
    }

    boolean renewLease(Ref ref, String owner, long millis) {
        return Long.valueOf(1).equals(redis.eval(RENEW, List.of(LEASE + ref), List.of(owner, Long.toString(millis))));
    }

    void releaseLease(Ref ref, String owner) {
        redis.eval(RELEASE, List.of(LEASE + ref), List.of(owner));
    }

    /** Records a settled line unless its key was recorded before. @return whether it was recorded now */
    boolean record(Ref ref, String lineKey, boolean error, String line) {
        String base = key(ref.tenant(), ref.id());
        return Long.valueOf(1).equals(redis.eval(RECORD, List.of(base + ":done", base + (error ? ":errors" : ":output")),
                List.of(lineKey, line)));
    }

    /** A line's warning (fields ignored or changed); kept apart from the errors so request_counts stay exact. */
    void warn(Ref ref, String line) {
        redis.rpush(key(ref.tenant(), ref.id()) + ":warnings", line);
    }

    Set<String> settledKeys(Ref ref) {
        return redis.smembers(key(ref.tenant(), ref.id()) + ":done");
    }

    long completedCount(Ref ref) {
        return redis.llen(key(ref.tenant(), ref.id()) + ":output");
    }

    long failedCount(Ref ref) {
        return redis.llen(key(ref.tenant(), ref.id()) + ":errors");
    }

    long warningCount(Ref ref) {
        return redis.llen(key(ref.tenant(), ref.id()) + ":warnings");
    }

    /** The recorded lines as a JSON Lines file (the error file holds the warnings too). */
    byte[] lines(Ref ref, boolean errors) {
        List<String> lines = new ArrayList<>(redis.lrange(key(ref.tenant(), ref.id()) + (errors ? ":errors" : ":output"), 0, -1));
        if (errors) lines.addAll(redis.lrange(key(ref.tenant(), ref.id()) + ":warnings", 0, -1));
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String key(String tenant, String id) {
        return TenantScope.redisPrefix(tenant) + "batch:" + id;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.tree(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable batch object in Redis: " + e.getMessage(), e);
        }
    }
}
