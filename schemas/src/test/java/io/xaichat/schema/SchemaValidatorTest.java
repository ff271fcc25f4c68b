package io.xaichat.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {
    private final SchemaValidator validator = new SchemaValidator();

    private static ObjectNode chatJob() {
        JobEnvelope job = JobEnvelope.of("job-1", JobKind.CHAT, "replies", ChatRequest.ofPrompt("hello").withMaxTokens(8));
        return (ObjectNode) Json.MAPPER.valueToTree(job);
    }

    @Test
    void aJobBuiltByTheJavaTypesIsValid() {
        assertThat(validator.validateJob(chatJob())).isEmpty();
    }

    @Test
    void wireNamesAreSnakeCase() {
        JsonNode node = chatJob();
        assertThat(node.has("job_id")).isTrue();
        assertThat(node.has("reply_to")).isTrue();
        assertThat(node.get("kind").asText()).isEqualTo("chat");
        assertThat(node.get("request").get("max_tokens").asInt()).isEqualTo(8);
        assertThat(node.get("cache").asText()).isEqualTo("auto");
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        ObjectNode node = chatJob();
        node.remove("job_id");
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("job_id"));
    }

    @Test
    void replyToIsOptionalInTheBodyBecauseTheKafkaReplyTopicHeaderMayCarryIt() {
        ObjectNode node = chatJob();
        node.remove("reply_to");
        assertThat(validator.validateJob(node)).isEmpty();
    }

    @Test
    void unknownKindIsRejected() {
        ObjectNode node = chatJob();
        node.put("kind", "audio");
        assertThat(validator.validateJob(node)).isNotEmpty();
    }

    @Test
    void chatRequestNeedsExactlyOneOfMessagesOrPrompt() {
        ObjectNode node = chatJob();
        ((ObjectNode) node.get("request")).set("messages",
                Json.MAPPER.valueToTree(List.of(ChatMessage.user("hi"))));
        assertThat(validator.validateJob(node)).isNotEmpty();
        ((ObjectNode) node.get("request")).remove("prompt");
        assertThat(validator.validateJob(node)).isEmpty();
    }

    @Test
    void unknownRequestFieldsAndBadRangesAreRejected() {
        ObjectNode node = chatJob();
        ((ObjectNode) node.get("request")).put("tempreature", 0.5);
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("tempreature"));
        node = chatJob();
        ((ObjectNode) node.get("request")).put("max_tokens", 0);
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("max_tokens"));
    }

    @Test
    void theLlamaCppOptionsValidateAndTheirRangesAreEnforced() {
        ChatRequest request = ChatRequest.ofPrompt("hello").withThinking(false).withPenalties(0.5, -0.5)
                .withLogitBias(java.util.Map.of("42", -100.0)).withLogprobs(true, 5)
                .withResponseFormat(ResponseFormat.json());
        ObjectNode node = (ObjectNode) Json.MAPPER.valueToTree(JobEnvelope.of("j", JobKind.CHAT, "r", request));
        assertThat(validator.validateJob(node)).isEmpty();
        assertThat(node.get("request").get("response_format").get("type").asText()).isEqualTo("json_object");
        assertThat(Json.convert(node.get("request"), ChatRequest.class)).isEqualTo(request);

        ((ObjectNode) node.get("request").get("logit_bias")).put("not-a-token", 1.0);
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("logit_bias"));
        ObjectNode bad = (ObjectNode) Json.MAPPER.valueToTree(JobEnvelope.of("j", JobKind.CHAT, "r",
                request.withLogitBias(null).withPenalties(3.0, null)));
        assertThat(validator.validateJob(bad)).anyMatch(m -> m.contains("presence_penalty"));
        ((ObjectNode) bad.get("request")).put("presence_penalty", 0).putObject("response_format").put("type", "xml");
        assertThat(validator.validateJob(bad)).anyMatch(m -> m.contains("response_format"));
    }

    @Test
    void aResultWithReasoningAndLogprobsValidates() {
        ObjectNode logprobs = Json.MAPPER.createObjectNode();
        logprobs.putArray("content").addObject().put("token", "hi").put("logprob", -0.1)
                .putArray("top_logprobs").addObject().put("token", "hi").put("logprob", -0.1);
        ResultEnvelope ok = new ResultEnvelope("j", ResultStatus.OK, JobKind.CHAT, Json.MAPPER.valueToTree("hi"),
                new Usage(3, 1), new Timings(1, 2, 3), false, "w1", "m", "stop", null, "thought first", logprobs);
        JsonNode tree = Json.MAPPER.valueToTree(ok);
        assertThat(tree.get("reasoning_content").asText()).isEqualTo("thought first");
        assertThat(validator.validateResult(tree)).isEmpty();
        assertThat(Json.convert(tree, ResultEnvelope.class)).isEqualTo(ok);
        ((ObjectNode) tree.get("logprobs").get("content").get(0)).remove("logprob");
        assertThat(validator.validateResult(tree)).isNotEmpty();
    }

    @Test
    void badTimestampIsRejected() {
        ObjectNode node = chatJob();
        node.put("created_at", "yesterday");
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("created_at"));
    }

    @Test
    void imageRequestBoundsFollowTheSchema() {
        ObjectNode node = (ObjectNode) Json.MAPPER.valueToTree(JobEnvelope.of("j", JobKind.IMAGE, "r",
                new ImageRequest("a cat", 6, 512, 512, null, 1L, null)));
        assertThat(validator.validateJob(node)).isEmpty();
        ((ObjectNode) node.get("request")).put("width", 1088);
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("width"));
        // Sizes inside the range that are not multiples of 64 pass the schema: the image engine refuses them
        // as invalid_request naming the nearest valid sizes, which a schema message cannot do.
        ((ObjectNode) node.get("request")).put("width", 513);
        assertThat(validator.validateJob(node)).isEmpty();
        ((ObjectNode) node.get("request")).put("width", 512).put("steps", 0);
        assertThat(validator.validateJob(node)).anyMatch(m -> m.contains("steps"));
    }

    @Test
    void resultsAndChunksRoundTripAndValidate() {
        ResultEnvelope ok = new ResultEnvelope("j", ResultStatus.OK, JobKind.CHAT, Json.MAPPER.valueToTree("hi"),
                new Usage(3, 1), new Timings(1, 2, 3), false, "w1", "m", "stop", null);
        JsonNode tree = Json.MAPPER.valueToTree(ok);
        assertThat(validator.validateResult(tree)).isEmpty();
        assertThat(Json.convert(tree, ResultEnvelope.class)).isEqualTo(ok);
        JsonNode chunk = Json.MAPPER.valueToTree(StreamChunk.text("j", 0, "he", false));
        assertThat(chunk.get("final").asBoolean()).isFalse();
        assertThat(validator.validateChunk(chunk)).isEmpty();
    }

    @Test
    void envelopeReadsBackFromWire() {
        JobEnvelope job = JobEnvelope.of("job-2", JobKind.CHAT, "replies", ChatRequest.ofPrompt("x"))
                .withDeadline(Instant.parse("2030-01-01T00:00:00Z"));
        JobEnvelope back = Json.read(Json.toBytes(job), JobEnvelope.class);
        assertThat(back.deadline()).isEqualTo(job.deadline());
        assertThat(back.kind()).isEqualTo(JobKind.CHAT);
        assertThat(Json.convert(back.request(), ChatRequest.class).prompt()).isEqualTo("x");
    }

    @Test
    void canonicalFormSortsKeys() {
        JsonNode a = Json.MAPPER.createObjectNode().put("b", 1).put("a", 2);
        JsonNode b = Json.MAPPER.createObjectNode().put("a", 2).put("b", 1);
        assertThat(new String(Json.canonical(a))).isEqualTo("{\"a\":2,\"b\":1}");
        assertThat(Json.canonical(a)).isEqualTo(Json.canonical(b));
    }
}
