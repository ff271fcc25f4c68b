package io.xaichat.worker.cache;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.Topics;
import io.xaichat.worker.config.SecuritySettings.CacheScopeMode;

/**
 * Which jobs may share cached results. A cache hit tells the asker that someone sent the same request, so by
 * default hits stay within a tenant: the tenant of the job's reply topic, {@code <prefix>.replies.<tenant>.<client>}
 * (only that tenant can read it, by ACL, so only that tenant learns of the hit). A job's {@code cache_scope} narrows
 * this further; it can never widen it. Reply topics without a tenant segment ({@code <prefix>.replies.<client>},
 * {@code <prefix>.results}) share the unscoped cache, as does every job in {@code shared} mode without a
 * {@code cache_scope}.
 */
public final class CacheScope {
    private final String tenantPrefix;
    private final CacheScopeMode mode;

    public CacheScope(Topics topics, CacheScopeMode mode) {
        this.tenantPrefix = topics.prefix() + ".replies.";
        this.mode = mode;
    }

    /** Every job in one cache, as before scopes existed. */
    public static CacheScope none() {
        return new CacheScope(Topics.defaults(), CacheScopeMode.SHARED);
    }

    /** The tenant named by a reply topic {@code <prefix>.replies.<tenant>.<client>}, or null. */
    public String tenant(String replyTopic) {
        if (replyTopic == null || !replyTopic.startsWith(tenantPrefix)) return null;
        String rest = replyTopic.substring(tenantPrefix.length());
        int dot = rest.indexOf('.');
        return dot > 0 && dot < rest.length() - 1 ? rest.substring(0, dot) : null;
    }

    /** The scope a job's cache key is bound to; null for the unscoped cache. */
    public String of(JobEnvelope job) {
        return of(job, job.replyTo());
    }

    /** As {@link #of(JobEnvelope)} for a job answered on {@code replyTopic} (its header's or its body's). */
    public String of(JobEnvelope job, String replyTopic) {
        String tenant = mode == CacheScopeMode.TENANT ? tenant(replyTopic) : null;
        String own = job.cacheScope();
        if (tenant == null && own == null) return null;
        return (tenant == null ? "" : "tenant:" + tenant) + (own == null ? "" : "/scope:" + own);
    }
}
