package io.xaichat.gateway.tenant;

/**
 * What a tenant's requests are scoped by, in one place so it can follow the security work (issue 14):
 * <ul>
 *   <li>reply topic: {@code <prefix>.replies.<tenant>.gw-<gatewayId>} — inside the {@code <prefix>.replies.*}
 *       allow-list, and a per-tenant prefix ({@code <prefix>.replies.<tenant>.}) an ACL can grant;</li>
 *   <li>Redis keys: {@code xaichat:gw:<tenant>:...} for files and batches;</li>
 *   <li>result cache: the worker scopes cache hits by the tenant segment of the reply topic
 *       ({@code XAICHAT_CACHE_SCOPE=tenant}, its default), so tenants never see each other's hits; an operator who
 *       sets {@code shared} on the workers chose to share them, so the gateway adds no {@code cache_scope} of its
 *       own.</li>
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
}
