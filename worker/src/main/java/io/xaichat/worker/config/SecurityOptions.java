package io.xaichat.worker.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The flags of {@link SecuritySettings}, each defaulting to an environment variable. */
public final class SecurityOptions {

    @Option(names = "--reply-topics", defaultValue = "${env:XAICHAT_REPLY_TOPICS:-}",
            description = "Extra reply topic patterns (comma-separated, '*' wildcard) besides <prefix>.replies.* and "
                    + "<prefix>.results, e.g. spring.replies.*. Job, dead-letter and __* topics are never allowed. "
                    + "Env XAICHAT_REPLY_TOPICS.")
    String replyTopics;

    @Option(names = "--max-reply-bytes", defaultValue = "${env:XAICHAT_MAX_REPLY_BYTES:-33554432}",
            description = "Most bytes one job's stream chunks and result may publish; a larger result ends as "
                    + "output_too_large. Env XAICHAT_MAX_REPLY_BYTES. Default: ${DEFAULT-VALUE}.")
    long maxReplyBytes;

    @Option(names = "--cache-scope", defaultValue = "${env:XAICHAT_CACHE_SCOPE:-tenant}",
            description = "tenant: cached results are shared only among jobs replying to one tenant's topics "
                    + "(<prefix>.replies.<tenant>.<client>) with the same cache_scope; shared: across tenants. "
                    + "Env XAICHAT_CACHE_SCOPE. Default: ${DEFAULT-VALUE}.")
    String cacheScope;

    public SecuritySettings toSettings() {
        List<String> patterns = replyTopics == null ? List.of()
                : Arrays.stream(replyTopics.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        SecuritySettings.CacheScopeMode mode;
        try {
            mode = SecuritySettings.CacheScopeMode.valueOf(cacheScope.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("--cache-scope/XAICHAT_CACHE_SCOPE must be 'tenant' or 'shared', got '"
                    + cacheScope + "'");
        }
        return new SecuritySettings(patterns, maxReplyBytes, mode);
    }
}
