package io.xaichat.gateway.auth;

import io.xaichat.schema.Sha256;
import io.xaichat.worker.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The accepted API keys and the tenant each belongs to, from {@code key[=tenant],...}. Keys are held only as
 * SHA-256 digests, so neither a heap dump nor a timing difference in the lookup reveals a key.
 */
public final class ApiKeys {
    public static final String DEFAULT_TENANT = "default";
    /** Tenants name reply topics and Redis keys: no dots, so {@code <prefix>.replies.<tenant>.} stays unambiguous. */
    private static final String TENANT_PATTERN = "[A-Za-z0-9_-]{1,64}";

    private final Map<String, String> tenantByDigest;

    private ApiKeys(Map<String, String> tenantByDigest) {
        this.tenantByDigest = Map.copyOf(tenantByDigest);
    }

    public static ApiKeys parse(String spec) {
        String option = "--api-keys/XAICHAT_GATEWAY_API_KEYS";
        if (spec == null || spec.isBlank()) {
            throw new ConfigException(option + " is empty: give at least one key (KEY or KEY=TENANT, comma-separated)");
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> byDigest = new HashMap<>();
        int i = 0;
        for (String entry : spec.split(",")) {
            i++;
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int eq = e.lastIndexOf('=');
            String key = eq < 0 ? e : e.substring(0, eq).trim();
            String tenant = eq < 0 ? DEFAULT_TENANT : e.substring(eq + 1).trim();
            if (key.length() < 8) problems.add(option + ": key " + i + " is shorter than 8 characters");
            if (!tenant.matches(TENANT_PATTERN)) {
                problems.add(option + ": tenant '" + tenant + "' of key " + i + " must be 1-64 letters, digits, '_' or '-'");
            }
            if (byDigest.put(digest(key), tenant) != null) problems.add(option + ": key " + i + " is listed twice");
        }
        if (byDigest.isEmpty()) problems.add(option + " lists no key");
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new ApiKeys(byDigest);
    }

    /** The tenant of an {@code Authorization} header value ({@code Bearer <key>}); empty when it is not accepted. */
    public Optional<String> tenant(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String key = authorization.substring(7).trim();
        if (key.isEmpty()) return Optional.empty();
        return Optional.ofNullable(tenantByDigest.get(digest(key)));
    }

    public Set<String> tenants() {
        return new TreeSet<>(tenantByDigest.values());
    }

    private static String digest(String key) {
        return Sha256.hex(key.getBytes(StandardCharsets.UTF_8));
    }
}
