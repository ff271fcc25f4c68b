package io.xaichat.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.schema.Timings;
import io.xaichat.schema.Usage;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ResultLinesTest {
    private final BulkLineParser parser = new BulkLineParser(new SchemaValidator());

    private ParsedLine.Request chatLine(String customId, String content) {
        return (ParsedLine.Request) parser.parse(4, "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\","
                + "\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + content + "\"}]}}");
    }

    @Test
    void chatAnswerLooksLikeAnOpenAiBatchOutputLineWithAChatCompletion() {
        BulkJob job = BulkJob.of(chatLine("r1", "hi"), "run1");
        ResultEnvelope result = new ResultEnvelope(job.jobId(), ResultStatus.OK, JobKind.CHAT,
                Json.MAPPER.getNodeFactory().textNode("Hello!"), new Usage(5, 3), new Timings(1, 20, 21), true,
                "worker-a", "qwen2.5-0.5b", "length", null);
        JsonNode line = ResultLines.answer(job, result, 1_700_000_000L);
        assertThat(line.get("id").asText()).isEqualTo("batch_req_run1" + job.contentId());
        assertThat(line.get("custom_id").asText()).isEqualTo("r1");
        assertThat(line.get("error").isNull()).isTrue();
        JsonNode response = line.get("response");
        assertThat(response.get("status_code").asInt()).isEqualTo(200);
        assertThat(response.get("request_id").asText()).isEqualTo(job.jobId());
        JsonNode body = response.get("body");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("created").asLong()).isEqualTo(1_700_000_000L);
        assertThat(body.get("model").asText()).isEqualTo("qwen2.5-0.5b");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Hello!");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(body.get("usage").toString()).isEqualTo("{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}");
        JsonNode x = body.get("xaichat");
        assertThat(x.get("cached").asBoolean()).isTrue();
        assertThat(x.get("worker_id").asText()).isEqualTo("worker-a");
        assertThat(x.get("timings").get("compute_ms").asLong()).isEqualTo(20);
    }

    @Test
    void aThinkingModelsReasoningAndTheLogprobsGoWhereOpenAiCompatibleServersPutThem() {
        BulkJob job = BulkJob.of(chatLine("r2", "hi"), "run1");
        String logprobsJson = "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.25,\"bytes\":[72,105],"
                + "\"top_logprobs\":[]}]}";
        JsonNode logprobs = Json.read(logprobsJson.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
        ResultEnvelope result = new ResultEnvelope(job.jobId(), ResultStatus.OK, JobKind.CHAT,
                Json.MAPPER.getNodeFactory().textNode("Hi"), new Usage(5, 9), new Timings(1, 20, 21), false,
                "worker-a", "qwen3-1.7b", "stop", null, "The user greets me.", logprobs);
        JsonNode choice = ResultLines.answer(job, result, 1L).at("/response/body/choices/0");
        assertThat(choice.at("/message/content").asText()).isEqualTo("Hi");
        assertThat(choice.at("/message/reasoning_content").asText()).isEqualTo("The user greets me.");
        assertThat(choice.get("logprobs")).isEqualTo(logprobs);

        ResultEnvelope plain = new ResultEnvelope(job.jobId(), ResultStatus.OK, JobKind.CHAT,
                Json.MAPPER.getNodeFactory().textNode("Hi"), new Usage(5, 1), new Timings(1, 20, 21), false,
                "worker-a", "qwen3-1.7b", "stop", null);
        JsonNode plainChoice = ResultLines.answer(job, plain, 1L).at("/response/body/choices/0");
        assertThat(plainChoice.get("message").has("reasoning_content")).isFalse();
        assertThat(plainChoice.get("logprobs").isNull()).isTrue();
    }

    @Test
    void imageAnswerCarriesThePngAsB64JsonAndItsParametersAsExtras() {
        ParsedLine.Request req = (ParsedLine.Request) parser.parse(1,
                "{\"custom_id\":\"img\",\"kind\":\"image\",\"request\":{\"prompt\":\"a cat\"}}");
        BulkJob job = BulkJob.of(req, "run1");
        String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
        ResultEnvelope result = new ResultEnvelope(job.jobId(), ResultStatus.OK, JobKind.IMAGE,
                Json.MAPPER.createObjectNode().put("png_base64", png).put("width", 512).put("seed", 3), null, null,
                false, "w", "lcm", null, null);
        JsonNode body = ResultLines.answer(job, result, 1L).get("response").get("body");
        assertThat(body.get("data").get(0).get("b64_json").asText()).isEqualTo(png);
        assertThat(body.get("xaichat").get("image").toString()).isEqualTo("{\"width\":512,\"seed\":3}");
    }

    @Test
    void failuresHaveAnErrorAndNoResponseAndTheErrorsFileAddsTheLineNumber() {
        BulkJob job = BulkJob.of(chatLine("r2", "x"), "run1");
        JsonNode line = ResultLines.failure(job, "timeout", "no result within 10m");
        assertThat(line.get("response").isNull()).isTrue();
        assertThat(line.get("error").toString()).isEqualTo("{\"code\":\"timeout\",\"message\":\"no result within 10m\"}");
        JsonNode withLine = ResultLines.withLine((com.fasterxml.jackson.databind.node.ObjectNode) line, 4);
        assertThat(withLine.get("line").asInt()).isEqualTo(4);
        assertThat(line.has("line")).isFalse();
    }

    @Test
    void invalidLinesAreReportedWithTheirNumber() {
        JsonNode line = ResultLines.invalid(new ParsedLine.Invalid(17, null, BulkLineParser.INVALID_JSON, "not a JSON object"),
                "run1");
        assertThat(line.get("line").asInt()).isEqualTo(17);
        assertThat(line.get("id").asText()).isEqualTo("batch_req_run1line00000017");
        assertThat(line.get("custom_id").isNull()).isTrue();
        assertThat(line.get("error").get("code").asText()).isEqualTo("invalid_json");
        assertThat(line.get("error").get("message").asText()).isEqualTo("line 17: not a JSON object");
    }

    @Test
    void jobIdsChangeWithEveryRunWhileContentIdsStayWithTheLine() {
        ParsedLine.Request a = chatLine("same", "text");
        BulkJob run1 = BulkJob.of(a, "run1");
        BulkJob run2 = BulkJob.of(a, "run2");
        assertThat(run1.contentId()).isEqualTo(run2.contentId());
        assertThat(run1.jobId()).isNotEqualTo(run2.jobId()).startsWith("bulk-run1-");
        // OpenAI's batch_req_ ids are unique: a rerun of the same file gets new ones.
        assertThat(ResultLines.answer(run1, ok(), 0).get("id").asText())
                .isNotEqualTo(ResultLines.answer(run2, ok(), 0).get("id").asText()).startsWith("batch_req_run1");
        assertThat(BulkJob.of(chatLine("same", "other text"), "run1").contentId()).isNotEqualTo(run1.contentId());
        assertThat(BulkJob.of(chatLine("other", "text"), "run1").contentId()).isNotEqualTo(run1.contentId());
        // The job id must pass the job schema.
        var envelope = Json.MAPPER.valueToTree(run1.envelope(Instant.EPOCH).withReplyTo("r"));
        assertThat(new SchemaValidator().validateJob(envelope)).isEmpty();
    }

    @Test
    void theJobCarriesTheModelTheParserResolved() {
        BulkJob job = BulkJob.of(chatLine("r", "x"), "run1");
        assertThat(job.envelope(Instant.EPOCH).model()).isEqualTo("m");
    }

    private static io.xaichat.schema.ResultEnvelope ok() {
        return new io.xaichat.schema.ResultEnvelope("j", io.xaichat.schema.ResultStatus.OK, io.xaichat.schema.JobKind.CHAT,
                Json.MAPPER.getNodeFactory().textNode("hi"), null, null, false, "w", "m", "stop", null);
    }
}
