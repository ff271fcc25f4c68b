package io.xaichat.gateway.tenant;

import io.xaichat.schema.JobEnvelope;

/**
 * What a tenant's requests are scoped by, in one place so it can follow the security work (issue 14):
 * <ul>
 *   <li>reply topic: {@code <prefix>.replies.<tenant>.gw-<gatewayId>} — inside the {@code <prefix>.replies.*}
 *       allow-list, and a per-tenant prefix ({@code <prefix>.replies.<tenant>.}) an ACL can grant;</li>
 *   <li>Redis keys: {@code xaichat:gw:<tenant>:...} for files and batches;</li>
 *   <li>result cache: the job's {@code cache_scope} — TODO(issue 14): once JobEnvelope carries {@code cache_scope},
 *       set it to the tenant in {@link #scope}; until then tenants share cache entries of identical requests.</li>
 * </ul>
 */
public final class TenantScope {
    private TenantScope() {}

    /** The client id that names the tenant's reply topic on this gateway ({@code <prefix>.replies.<clientId>}). */
    public static String clientId(String tenant, String gatewayId) {
        return tenant + ".gw-" + gatewayId;
    }

    /** Prefix of the tenant's keys in Redis. */
    public static String redisPrefix(String tenant) {
        return "xaichat:gw:" + tenant + ":";
    }

    /** A job as this tenant submits it. */
    public static JobEnvelope scope(JobEnvelope job, String tenant) {
        return job; // TODO(issue 14): job.withCacheScope(tenant)
    }
}
