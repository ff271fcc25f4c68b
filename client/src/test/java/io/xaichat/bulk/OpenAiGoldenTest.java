package io.xaichat.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.client.WorkerAdverts;
import io.xaichat.models.ModelManifest;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.schema.WorkerAdvert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden OpenAI Batch input ({@code bulk/openai-golden.jsonl}, every body field the mapper knows and some it
 * does not) against its expected mapping ({@code openai-golden.expected.jsonl}): for each line the job's model and
 * request, or the error, plus the warnings. Run with {@code -Dgolden.update=true} to rewrite the expected file,
 * then review the diff.
 */
class OpenAiGoldenTest {
    static final Path INPUT = Path.of("src/test/resources/bulk/openai-golden.jsonl");
    static final Path EXPECTED = Path.of("src/test/resources/bulk/openai-golden.expected.jsonl");
    /** What the end-to-end run's worker advertises (ChatWorkers: the tiny model, the 4096-token limit). */
    static final String TINY_MODEL = "tiny-qwen2-f16";
    static final Map<String, String> MODEL_MAP = Map.of("gpt-4o-mini", TINY_MODEL);

    static WorkerAdverts adverts() {
        return new WorkerAdverts(List.of(new WorkerAdvert("worker-0", JobKind.CHAT, TINY_MODEL, 4096, 16 << 20,
                Instant.EPOCH)));
    }

    @Test
    void everyGoldenLineMapsAsExpected() throws Exception {
        BulkLineParser parser = new BulkLineParser(new SchemaValidator(),
                new ModelResolver(MODEL_MAP, ModelManifest.load(null), adverts(), false), adverts());
        List<String> actual = new ArrayList<>();
        int lineNo = 0;
        for (String text : Files.readAllLines(INPUT)) {
            actual.add(Json.toString(describe(parser.parse(++lineNo, text))));
        }
        assertThat(actual).hasSizeGreaterThanOrEqualTo(30);
        if (Boolean.getBoolean("golden.update")) Files.write(EXPECTED, actual, StandardCharsets.UTF_8);
        assertThat(actual).containsExactlyElementsOf(Files.readAllLines(EXPECTED));
    }

    /** Each kind of handling occurs: mapped fields, ignored ones, values mapped, invalid lines. */
    @Test
    void theGoldenFileCoversEveryHandling() throws Exception {
        String expected = Files.readString(EXPECTED);
        for (String s : List.of("\"presence_penalty\"", "\"frequency_penalty\"", "\"logit_bias\"", "\"logprobs\"",
                "\"top_logprobs\"", "\"response_format\"", "\"thinking\"", "ignored_field", "unknown_field",
                "mapped_value", "model_substituted", "model_not_served", "body.max_tokens 5000 exceeds the workers' limit of 4096")) {
            assertThat(expected).contains(s);
        }
        for (String field : OpenAiRequestMapper.knownFields()) {
            assertThat(Files.readString(INPUT)).as("golden input uses body." + field).contains("\"" + field + "\"");
        }
    }

    static ObjectNode describe(ParsedLine parsed) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("custom_id", parsed.customId());
        if (parsed instanceof ParsedLine.Invalid bad) {
            out.putObject("error").put("code", bad.code()).put("message", bad.message());
            return out;
        }
        ParsedLine.Request r = (ParsedLine.Request) parsed;
        out.put("model", r.model());
        out.set("request", r.request());
        var warnings = out.putArray("warnings");
        for (LineWarning w : r.warnings()) warnings.addObject().put("code", w.code()).put("param", w.param());
        return out;
    }

    static JsonNode tree(String line) throws Exception {
        return Json.tree(line.getBytes(StandardCharsets.UTF_8));
    }
}
