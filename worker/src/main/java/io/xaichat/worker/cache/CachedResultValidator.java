package io.xaichat.worker.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.worker.logging.LogText;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<String, Boolean> reported = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    public CachedResultValidator(SchemaValidator schemas) {
        this.schemas = schemas;
    }

    /** The stored result, or empty when {@code raw} is absent or not a valid result. */
    public Optional<ResultEnvelope> check(CacheKey key, byte[] raw) {
        if (raw == null) return Optional.empty();
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
        boolean first;
        synchronized (reported) {
            first = reported.put(key.value(), Boolean.TRUE) == null;
        }
        if (first) {
            log.warn("cached value under {} is not a valid result ({}): treated as a miss, it will be overwritten",
                    key, LogText.message(problem, 300));
        }
    }
}
