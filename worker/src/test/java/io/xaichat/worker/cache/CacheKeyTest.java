package io.xaichat.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void keyIsPrefixedSha256OfCanonicalJson() throws Exception {
        CacheKey key = CacheKey.of(JobKind.CHAT, "m", "d", json("{\"prompt\":\"hi\"}"));
        assertThat(key.value()).startsWith("xaichat:v1:").hasSize("xaichat:v1:".length() + 64);
        // Independent recomputation of the documented definition.
        String canonical = "{\"kind\":\"chat\",\"model\":\"m\",\"model_digest\":\"d\",\"request\":{\"prompt\":\"hi\"}}";
        assertThat(key.value()).isEqualTo("xaichat:v1:" + CacheKey.sha256Hex(canonical.getBytes()));
    }

    @Test
    void fieldOrderDoesNotMatterButEveryInputDoes() throws Exception {
        JsonNode a = json("{\"prompt\":\"hi\",\"seed\":1}");
        JsonNode b = json("{\"seed\":1,\"prompt\":\"hi\"}");
        CacheKey base = CacheKey.of(JobKind.CHAT, "m", "d", a);
        assertThat(CacheKey.of(JobKind.CHAT, "m", "d", b)).isEqualTo(base);
        assertThat(CacheKey.of(JobKind.CHAT, "m", "d", json("{\"prompt\":\"hi\",\"seed\":2}"))).isNotEqualTo(base);
        assertThat(CacheKey.of(JobKind.CHAT, "m2", "d", a)).isNotEqualTo(base);
        assertThat(CacheKey.of(JobKind.CHAT, "m", "d2", a)).isNotEqualTo(base);
        assertThat(CacheKey.of(JobKind.VISION, "m", "d", a)).isNotEqualTo(base);
    }
}
