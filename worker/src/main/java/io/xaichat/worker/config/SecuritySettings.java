package io.xaichat.worker.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a job may make the worker do on its behalf: where replies may go, how many bytes one job may publish, and
 * whether cached results are shared across tenants. Validated once at start.
 *
 * @param extraReplyTopics glob patterns ({@code *} = any run of topic characters) allowed as reply topics besides
 *     the defaults {@code <prefix>.replies.*} and {@code <prefix>.results}, e.g. {@code spring.replies.*}
 * @param maxReplyBytes most bytes (keys, values and headers) one job's stream chunks and result may publish
 * @param cacheScope whether cache hits may cross tenants
 */
public record SecuritySettings(List<String> extraReplyTopics, long maxReplyBytes, CacheScopeMode cacheScope) {
    public static final long DEFAULT_MAX_REPLY_BYTES = 32L << 20;

    /** {@code tenant}: hits stay within the tenant of the reply topic; {@code shared}: one cache for all. */
    public enum CacheScopeMode { TENANT, SHARED }

    public SecuritySettings {
        extraReplyTopics = List.copyOf(extraReplyTopics);
        List<String> problems = new ArrayList<>();
        for (String p : extraReplyTopics) {
            if (!p.matches("[A-Za-z0-9._*-]{1,249}") || p.startsWith("__") || p.equals("*")) {
                problems.add("--reply-topics/XAICHAT_REPLY_TOPICS: pattern '" + p + "' must be topic characters "
                        + "(letters, digits, '.', '_', '-') with '*' wildcards, not '*' alone, not starting with '__'");
            }
        }
        if (maxReplyBytes < 4096) {
            problems.add("--max-reply-bytes/XAICHAT_MAX_REPLY_BYTES must be ≥ 4096, got " + maxReplyBytes);
        }
        if (cacheScope == null) problems.add("--cache-scope/XAICHAT_CACHE_SCOPE must be 'tenant' or 'shared'");
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    public static SecuritySettings defaults() {
        return new SecuritySettings(List.of(), DEFAULT_MAX_REPLY_BYTES, CacheScopeMode.TENANT);
    }

    public SecuritySettings withMaxReplyBytes(long bytes) {
        return new SecuritySettings(extraReplyTopics, bytes, cacheScope);
    }

    public SecuritySettings withExtraReplyTopics(List<String> patterns) {
        return new SecuritySettings(patterns, maxReplyBytes, cacheScope);
    }

    public SecuritySettings withCacheScope(CacheScopeMode mode) {
        return new SecuritySettings(extraReplyTopics, maxReplyBytes, mode);
    }
}
