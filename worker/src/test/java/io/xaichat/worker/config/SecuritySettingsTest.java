package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.worker.config.SecuritySettings.CacheScopeMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reply-topic allow-list, reply budget and cache scope as the settings define them. */
class SecuritySettingsTest {
    private static SecuritySettings parse(String topics, String maxBytes, String scope) {
        return StartupConfig.worker(Map.of("reply-topics", topics, "max-reply-bytes", maxBytes, "cache-scope", scope))
                .security();
    }

    @Test
    void parsesTheFlagsText() {
        SecuritySettings s = parse(" spring.replies.* , other.results ,", "1048576", "Shared");
        assertThat(s.extraReplyTopics()).containsExactly("spring.replies.*", "other.results");
        assertThat(s.cacheScope()).isEqualTo(CacheScopeMode.SHARED);
        assertThat(parse("", "1048576", "tenant").extraReplyTopics()).isEmpty();
    }

    @Test
    void refusesPatternsThatWouldOpenEverythingOrInternalTopicsAndNamesTheSetting() {
        for (String bad : List.of("*", "__*", "a b", "x/y")) {
            assertThatThrownBy(() -> parse(bad, "1048576", "tenant")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("--reply-topics (XAICHAT_REPLY_TOPICS): pattern '" + bad + "'");
        }
        assertThatThrownBy(() -> parse("", "100", "tenant"))
                .hasMessageContaining("--max-reply-bytes (XAICHAT_MAX_REPLY_BYTES): 100 is below the minimum 4096");
        assertThatThrownBy(() -> parse("", "1048576", "everyone"))
                .hasMessageContaining("--cache-scope (XAICHAT_CACHE_SCOPE): 'everyone' is not one of tenant, shared");
    }
}
