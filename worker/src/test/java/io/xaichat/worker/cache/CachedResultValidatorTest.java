package io.xaichat.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.schema.Timings;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A value validated once is served again only while its bytes are exactly the ones validated. */
class CachedResultValidatorTest {
    private final CachedResultValidator validator = new CachedResultValidator(new SchemaValidator());
    private final CacheKey key = new CacheKey(CacheKey.PREFIX + "k");

    private static byte[] result(String text) {
        return Json.toBytes(new ResultEnvelope("j", ResultStatus.OK, JobKind.CHAT, Json.MAPPER.valueToTree(text), null,
                new Timings(1, 2, 3), false, "w", "m", "stop", null));
    }

    @Test
    void aChangedValueIsValidatedAgainAndACorruptOneIsNeverServed() {
        byte[] good = result("four");
        assertThat(validator.check(key, good)).isPresent();
        assertThat(validator.check(key, good.clone())).as("the same bytes again").isPresent();

        String text = new String(good, StandardCharsets.UTF_8);
        byte[] notOk = text.replace("\"status\":\"ok\"", "\"status\":\"error\"").getBytes(StandardCharsets.UTF_8);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] noOutput = text.replace("\"output\":\"four\",", "").getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {notOk, truncated, noOutput}) {
            assertThat(validator.check(key, bad)).as(new String(bad, StandardCharsets.UTF_8)).isEmpty();
        }
        byte[] other = result("five");
        assertThat(validator.check(key, other).orElseThrow().output().asText()).isEqualTo("five");
        assertThat(validator.check(key, good).orElseThrow().output().asText()).isEqualTo("four");
    }
}
