package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.worker.config.SecuritySettings.CacheScopeMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecuritySettingsTest {
    @Test
    void parsesTheFlagsText() {
        SecuritySettings s = SecuritySettings.parse(" spring.replies.* , other.results ,", 1 << 20, "Shared");
        assertThat(s.extraReplyTopics()).containsExactly("spring.replies.*", "other.results");
        assertThat(s.cacheScope()).isEqualTo(CacheScopeMode.SHARED);
        assertThat(SecuritySettings.parse("", 1 << 20, "tenant").extraReplyTopics()).isEmpty();
    }

    @Test
    void refusesPatternsThatWouldOpenEverythingOrInternalTopicsAndNamesTheSetting() {
        for (String bad : List.of("*", "__*", "a b", "x/y")) {
            assertThatThrownBy(() -> SecuritySettings.parse(bad, 1 << 20, "tenant")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("XAICHAT_REPLY_TOPICS");
        }
        assertThatThrownBy(() -> SecuritySettings.parse("", 100, "tenant")).hasMessageContaining("XAICHAT_MAX_REPLY_BYTES");
        assertThatThrownBy(() -> SecuritySettings.parse("", 1 << 20, "everyone")).hasMessageContaining("XAICHAT_CACHE_SCOPE");
    }
}
