package io.xaichat.worker.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.worker.logging.LogText;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether bytes read from the cache are a result this worker could have stored: JSON that matches
 * result.schema.json, status ok, a kind and an output. Anything else (another program's value, a truncated write,
 * an older format) is a miss, so the job is computed and its result overwrites the bad value; each bad key is
 * logged once.
 */
public final class CachedResultValidator {
    private static final Logger log = LoggerFactory.getLogger(CachedResultValidator.class);
    private static final int REMEMBERED = 10_000;

    private final SchemaValidator schemas;
    // The values validated last, by key: a hit whose bytes are exactly those skips parsing and validation again.
    private final RecentValues recent = new RecentValues();
    private final RecentEntries<String, Boolean> reported = new RecentEntries<>(REMEMBERED);

    public CachedResultValidator(SchemaValidator schemas) {
        this.schemas = schemas;
    }

    /** The stored result, or empty when {@code raw} is absent or not a valid result. */
    public Optional<ResultEnvelope> check(CacheKey key, byte[] raw) {
        if (raw == null) return Optional.empty();
        ResultEnvelope seen = recent.get(key, raw);
        if (seen != null) return Optional.of(seen);
        Optional<ResultEnvelope> checked = fullCheck(key, raw);
        checked.ifPresent(result -> recent.put(key, raw, result));
        return checked;
    }

    private Optional<ResultEnvelope> fullCheck(CacheKey key, byte[] raw) {
        String problem;
        try {
            JsonNode tree = Json.tree(raw);
            List<String> problems = tree == null || !tree.isObject() ? List.of("not a JSON object")
                    : schemas.validateResult(tree);
            if (problems.isEmpty()) {
                ResultEnvelope result = Json.convert(tree, ResultEnvelope.class);
                if (result.ok() && result.kind() != null && result.output() != null && !result.output().isNull()) {
                    return Optional.of(result);
                }
                problem = "not an ok result with a kind and an output";
            } else {
                problem = String.join("; ", problems);
            }
        } catch (IOException | RuntimeException e) {
            problem = "unreadable: " + e.getMessage();
        }
        report(key, problem);
        return Optional.empty();
    }

    private void report(CacheKey key, String problem) {
        if (reported.putIfAbsent(key.value(), Boolean.TRUE)) {
            log.warn("cached value under {} is not a valid result ({}): treated as a miss, it will be overwritten",
                    key, LogText.message(problem, 300));
        }
    }

    /**
     * The last valid value read under each of a few keys, with its bytes. Bytes equal to the remembered ones are the
     * same value (a byte-for-byte comparison, the integrity check): a changed, truncated or planted entry differs
     * and is validated in full again.
     */
    private static final class RecentValues {
        private static final int KEYS = 1024;
        private static final int MAX_VALUE_BYTES = 64 * 1024;

        private record Entry(byte[] raw, ResultEnvelope result) {}

        private final RecentEntries<String, Entry> entries = new RecentEntries<>(KEYS);

        ResultEnvelope get(CacheKey key, byte[] raw) {
            Entry e = entries.get(key.value());
            return e != null && java.util.Arrays.equals(e.raw(), raw) ? e.result() : null;
        }

        void put(CacheKey key, byte[] raw, ResultEnvelope result) {
            if (raw.length <= MAX_VALUE_BYTES) entries.put(key.value(), new Entry(raw.clone(), result));
        }
    }
}
