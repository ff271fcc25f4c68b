package io.xaichat.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.CachePolicy;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.SchemaValidator;
import org.junit.jupiter.api.Test;

class BulkLineParserTest {
    private final BulkLineParser parser = new BulkLineParser(new SchemaValidator());

    @Test
    void openAiChatLineBecomesAChatRequest() {
        ParsedLine p = parser.parse(3, """
                {"custom_id":"req-1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini",
                "messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}],
                "max_completion_tokens":32,"max_tokens":99,"temperature":0,"top_p":0.9,"seed":7,"stop":"END"}}""");
        assertThat(p).isInstanceOf(ParsedLine.Request.class);
        ParsedLine.Request r = (ParsedLine.Request) p;
        assertThat(r.line()).isEqualTo(3);
        assertThat(r.customId()).isEqualTo("req-1");
        assertThat(r.kind()).isEqualTo(JobKind.CHAT);
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.openAi()).isTrue();
        assertThat(r.request().toString()).isEqualTo("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi there\"}],\"max_tokens\":32,\"temperature\":0,\"top_p\":0.9,"
                + "\"seed\":7,\"stop\":[\"END\"],\"top_k\":0}");
        assertThat(r.warnings()).extracting(LineWarning::param).containsExactly("body.max_tokens");
    }

    @Test
    void xaichatLinesInBothFormsAreAccepted() {
        ParsedLine.Request own = (ParsedLine.Request) parser.parse(1,
                "{\"custom_id\":\"a\",\"kind\":\"image\",\"cache\":\"bypass\",\"request\":{\"prompt\":\"a cat\",\"steps\":4}}");
        assertThat(own.kind()).isEqualTo(JobKind.IMAGE);
        assertThat(own.cache()).isEqualTo(CachePolicy.BYPASS);
        assertThat(own.openAi()).isFalse();

        ParsedLine.Request envelope = (ParsedLine.Request) parser.parse(2, """
                {"schema_version":1,"job_id":"job-9","kind":"chat","reply_to":"x","created_at":"2025-01-01T00:00:00Z",
                 "model":"qwen","request":{"prompt":"hello"}}""");
        assertThat(envelope.customId()).isEqualTo("job-9");
        assertThat(envelope.model()).isEqualTo("qwen");
    }

    @Test
    void invalidLinesSayWhatIsWrongAndKeepTheirLineNumber() {
        assertInvalid(parser.parse(5, "{not json"), 5, BulkLineParser.INVALID_JSON, null, "not valid JSON");
        assertInvalid(parser.parse(6, "[1,2]"), 6, BulkLineParser.INVALID_JSON, null, "not a JSON object");
        assertInvalid(parser.parse(7, "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}"), 7,
                BulkLineParser.MISSING_CUSTOM_ID, null, "custom_id is missing");
        assertInvalid(parser.parse(8, "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}"),
                8, BulkLineParser.UNSUPPORTED_URL, "e", "url '/v1/embeddings' is not supported");
        assertInvalid(parser.parse(9, "{\"custom_id\":\"m\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}"),
                9, BulkLineParser.INVALID_REQUEST, "m", "body.messages must be a non-empty array");
        assertInvalid(parser.parse(10, "{\"custom_id\":\"t\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":9}}"), 10, BulkLineParser.INVALID_REQUEST, "t",
                "body.temperature must be a number from 0 to 2, got 9");
        assertInvalid(parser.parse(11, "{\"custom_id\":\"i\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]}}"), 11,
                BulkLineParser.INVALID_REQUEST, "i", "'image_url' content part");
        assertInvalid(parser.parse(12, "{\"custom_id\":\"k\",\"kind\":\"audio\",\"request\":{}}"), 12,
                BulkLineParser.INVALID_REQUEST, "k", "unknown job kind 'audio'");
        assertInvalid(parser.parse(13, "{\"custom_id\":\"w\",\"kind\":\"image\",\"request\":{\"prompt\":\"p\",\"width\":2048}}"),
                13, BulkLineParser.INVALID_REQUEST, "w", "invalid image request");
        assertInvalid(parser.parse(14, "{\"custom_id\":\"z\"}"), 14, BulkLineParser.INVALID_REQUEST, "z",
                "neither an OpenAI batch request");
    }

    @Test
    void schemaComplaintsNameTheFieldInTheUsersTerms() {
        java.util.Map<String, String> origins = java.util.Map.of("max_tokens", "body.max_completion_tokens");
        assertThat(BulkLineParser.userPath("/request/max_tokens: must be at most 32768", origins, "body"))
                .isEqualTo("body.max_completion_tokens: must be at most 32768");
        assertThat(BulkLineParser.userPath("$.request.messages[0].content: is missing", java.util.Map.of(), "body"))
                .isEqualTo("body.messages[0].content: is missing");
        assertThat(BulkLineParser.userPath("/request/stop/3: too long", java.util.Map.of(), "request"))
                .isEqualTo("request.stop[3]: too long");
        // an xaichat line: the worker-side path is the user's path
        assertInvalid(parser.parse(15, "{\"custom_id\":\"q\",\"kind\":\"chat\",\"request\":{\"prompt\":\"p\",\"max_tokens\":0}}"),
                15, BulkLineParser.INVALID_REQUEST, "q", "request.max_tokens");
    }

    @Test
    void manifestAliasesAndExplicitMapsResolveBodyModel() throws Exception {
        ModelResolver resolver = new ModelResolver(java.util.Map.of("gpt-4o", "mine", "*", "fallback"),
                io.xaichat.models.ModelManifest.load(null), io.xaichat.client.WorkerAdverts.none(), false);
        assertThat(resolver.resolve("c", JobKind.CHAT, "gpt-4o").model()).isEqualTo("mine");
        assertThat(resolver.resolve("c", JobKind.CHAT, "qwen2.5:1.5b").model()).isEqualTo("qwen2.5-1.5b-instruct-q4_k_m");
        assertThat(resolver.resolve("c", JobKind.CHAT, "qwen2.5-1.5b-instruct").model())
                .as("the id alone means the default variant").isEqualTo("qwen2.5-1.5b-instruct-q4_k_m");
        assertThat(resolver.resolve("c", JobKind.CHAT, "anything-else").model()).isEqualTo("fallback");
        ModelResolver plain = new ModelResolver(java.util.Map.of(), null, io.xaichat.client.WorkerAdverts.none(), false);
        ModelResolver.Resolution r = plain.resolve("c", JobKind.CHAT, "gpt-4o-mini");
        assertThat(r.model()).isNull();
        assertThat(r.warning().message()).contains("--model-map gpt-4o-mini=MODEL");
    }

    private static void assertInvalid(ParsedLine p, int line, String code, String customId, String messagePart) {
        assertThat(p).isInstanceOf(ParsedLine.Invalid.class);
        ParsedLine.Invalid bad = (ParsedLine.Invalid) p;
        assertThat(bad.line()).isEqualTo(line);
        assertThat(bad.code()).isEqualTo(code);
        assertThat(bad.customId()).isEqualTo(customId);
        assertThat(bad.message()).contains(messagePart);
    }
}
