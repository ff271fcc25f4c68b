package io.xaichat.gateway.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.gateway.tenant.TenantScope;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisPooled;

/**
 * Files in Redis, per tenant: {@code <tenant prefix>file:<id>} holds OpenAI's file object, {@code ...:content} the
 * bytes, {@code <tenant prefix>files} the ids by creation time. Shared by every gateway, kept across restarts.
 */
public final class FileStore {
    private final JedisPooled redis;

    public FileStore(JedisPooled redis) {
        this.redis = redis;
    }

    /** Stores a file and returns its file object. */
    public ObjectNode create(String tenant, String filename, String purpose, byte[] content) {
        String id = "file-" + UUID.randomUUID().toString().replace("-", "");
        long now = Instant.now().getEpochSecond();
        ObjectNode meta = Json.MAPPER.createObjectNode();
        meta.put("id", id).put("object", "file").put("bytes", content.length).put("created_at", now)
                .put("filename", filename).put("purpose", purpose).put("status", "processed");
        meta.putNull("expires_at");
        meta.putNull("status_details");
        String p = TenantScope.redisPrefix(tenant);
        try (AbstractTransaction tx = redis.multi()) {
            tx.set((p + "file:" + id + ":content").getBytes(StandardCharsets.UTF_8), content);
            tx.set(p + "file:" + id, Json.toString(meta));
            tx.zadd(p + "files", now, id);
            tx.exec();
        }
        return meta;
    }

    public Optional<ObjectNode> meta(String tenant, String id) {
        String json = redis.get(TenantScope.redisPrefix(tenant) + "file:" + id);
        if (json == null) return Optional.empty();
        try {
            return Optional.of((ObjectNode) Json.tree(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable file object " + id + " in Redis", e);
        }
    }

    public Optional<byte[]> content(String tenant, String id) {
        return Optional.ofNullable(redis.get((TenantScope.redisPrefix(tenant) + "file:" + id + ":content")
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** Newest first. */
    public List<ObjectNode> list(String tenant, int limit) {
        List<ObjectNode> out = new ArrayList<>();
        for (String id : redis.zrevrange(TenantScope.redisPrefix(tenant) + "files", 0, limit - 1)) {
            meta(tenant, id).ifPresent(out::add);
        }
        return out;
    }

    public boolean delete(String tenant, String id) {
        String p = TenantScope.redisPrefix(tenant);
        long removed = redis.del(p + "file:" + id, p + "file:" + id + ":content");
        redis.zrem(p + "files", id);
        return removed > 0;
    }
}
