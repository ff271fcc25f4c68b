package io.xaichat.faults;

import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The catalogue of hostile job records tried against a worker: what each one is, and what must become of it
 * (the dead-letter code, and whether an error result goes to a reply topic). Used by the table of hostile inputs and
 * by the flood.
 */
final class HostileRecords {
    /**
     * One kind of hostile record.
     *
     * @param code the dead-letter code it must end with; null when it is answered, not dead-lettered
     * @param errorResult whether an error result also goes to the test's reply topic
     */
    record Kind(String name, String code, boolean errorResult, Function<String, ProducerRecord<String, byte[]>> make) {}

    private final Topics topics;
    private final String jobTopic;
    private final String replyTopic;
    private final int maxRecordBytes;
    private final int maxTokens;
    private final Random random = new Random(14);
    private final List<Kind> kinds = new ArrayList<>();

    /**
     * @param outsideTopic an existing topic outside the reply allow-list
     * @param foldedTopic an existing reply topic {@code <prefix>.replies.x_y}, which {@code .replies.x.y} collides with
     */
    HostileRecords(Topics topics, String replyTopic, String outsideTopic, String foldedTopic, int maxRecordBytes,
                   int maxTokens) {
        this.topics = topics;
        this.jobTopic = topics.jobs(JobKind.CHAT);
        this.replyTopic = replyTopic;
        this.maxRecordBytes = maxRecordBytes;
        this.maxTokens = maxTokens;
        String m = ErrorCode.MALFORMED_JSON.wire();
        String s = ErrorCode.SCHEMA_VIOLATION.wire();
        String inv = ErrorCode.INVALID_REQUEST.wire();
        String refused = ErrorCode.REPLY_REFUSED.wire();
        // Unreadable records: an error result only through the Spring reply header.
        raw("random bytes", m, true, id -> bytes(randomBytes(1 + random.nextInt(300))), true);
        raw("empty value", m, true, id -> new byte[0], true);
        raw("null value (tombstone)", m, true, id -> null, true);
        raw("truncated JSON", m, false, id -> utf8(valid(id).substring(0, 40)), false);
        raw("JSON array", m, false, id -> utf8("[1,2,3]"), false);
        raw("JSON string", m, false, id -> utf8("\"job\""), false);
        raw("JSON null", m, false, id -> utf8("null"), false);
        raw("duplicate key (second reply_to a job topic)", m, false,
                id -> utf8(valid(id).replaceFirst("\\{", "{\"reply_to\":\"" + jobTopic + "\",")), false);
        raw("trailing garbage after the object", m, false, id -> utf8(valid(id) + "}{"), false);
        raw("invalid UTF-8 in a string", m, false, id -> invalidUtf8(valid(id)), false);
        raw("nesting 5,000 levels deep", m, false, id -> utf8("[".repeat(5000) + "]".repeat(5000)), false);
        raw("control character inside a string", m, false, id -> utf8(valid(id).replace("\"x\"", "\"a\u0001b\"")), false);
        raw("key with a newline (log forging), malformed body", m, false, id -> utf8("{nope"), false);
        // Readable but invalid jobs: an error result to reply_to.
        field("number beyond double range (1e309)", s, id -> valid(id).replace("\"max_tokens\":4", "\"max_tokens\":1e309"));
        field("missing job_id", s, id -> valid(id).replace("\"job_id\":\"" + id + "\",", ""));
        field("job_id with a newline", s, id -> valid(id).replace("\"job_id\":\"" + id + "\"", "\"job_id\":\"a\\nb\""));
        field("job_id of 201 characters", s, id -> valid(id).replace("\"job_id\":\"" + id + "\"",
                "\"job_id\":\"" + "j".repeat(201) + "\""));
        field("schema_version 2", s, id -> valid(id).replace("\"schema_version\":1", "\"schema_version\":2"));
        field("unknown top-level field", s, id -> valid(id).replace("\"request\"", "\"extra\":1,\"request\""));
        field("missing request", s, id -> valid(id).replaceFirst(",\"request\":\\{.*\\}\\}$", "}"));
        field("kind as a number", s, id -> valid(id).replace("\"kind\":\"chat\"", "\"kind\":7"));
        field("unknown cache policy", s, id -> valid(id).replace("\"cache\":\"auto\"", "\"cache\":\"forever\""));
        field("cache_scope with a slash", s, id -> valid(id).replace("\"cache\":\"auto\"",
                "\"cache\":\"auto\",\"cache_scope\":\"a/b\""));
        field("created_at not a date", s, id -> valid(id).replaceFirst("\"created_at\":\"[^\"]*\"", "\"created_at\":\"yesterday\""));
        field("unknown kind", ErrorCode.UNKNOWN_KIND.wire(), id -> valid(id).replace("\"kind\":\"chat\"", "\"kind\":\"audio\""));
        field("image job on the chat topic", ErrorCode.WRONG_TOPIC.wire(), id -> Json.toString(JobEnvelope.of(id, JobKind.IMAGE,
                replyTopic, new io.xaichat.schema.ImageRequest("a cat", null, null, null, null, null, null))));
        field("model the worker does not serve", ErrorCode.MODEL_MISMATCH.wire(),
                id -> valid(id).replace("\"cache\"", "\"model\":\"other-model\",\"cache\""));
        field("max_tokens above the limit", inv, id -> valid(id).replace("\"max_tokens\":4", "\"max_tokens\":" + (maxTokens + 1)));
        field("max_tokens negative", s, id -> valid(id).replace("\"max_tokens\":4", "\"max_tokens\":-1"));
        field("temperature 99", s, id -> valid(id).replace("\"max_tokens\":4", "\"max_tokens\":4,\"temperature\":99"));
        field("both prompt and messages", s, id -> valid(id).replace("\"prompt\":\"x\"",
                "\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]"));
        field("empty messages", s, id -> valid(id).replace("\"prompt\":\"x\"", "\"messages\":[]"));
        field("message role root", s, id -> valid(id).replace("\"prompt\":\"x\"",
                "\"messages\":[{\"role\":\"root\",\"content\":\"y\"}]"));
        field("17 stop strings", s, id -> valid(id).replace("\"max_tokens\":4", "\"max_tokens\":4,\"stop\":["
                + String.join(",", java.util.Collections.nCopies(17, "\"s\"")) + "]"));
        field("prompt longer than the context (tokens)", ErrorCode.PROMPT_TOO_LONG.wire(),
                id -> valid(id).replace("\"prompt\":\"x\"", "\"prompt\":\"" + "word ".repeat(1200) + "\""));
        raw("record larger than the limit", ErrorCode.RECORD_TOO_LARGE.wire(), false,
                id -> utf8("{\"pad\":\"" + "x".repeat(maxRecordBytes) + "\"}"), false);
        kinds.add(new Kind("headers larger than the limit", ErrorCode.RECORD_TOO_LARGE.wire(), false, id -> {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(jobTopic, id, bytes(utf8(valid(id))));
            r.headers().add("padding", new byte[maxRecordBytes]);
            return r;
        }));
        kinds.add(new Kind("correlation id of 1,000 bytes", ErrorCode.HEADER_TOO_LARGE.wire(), true, id -> {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(jobTopic, id, utf8(valid(id)));
            r.headers().add(RecordHeaders.CORRELATION_ID, new byte[1000]);
            return r;
        }));
        // Where the answer would go.
        reply("reply_to = the chat job topic", refused, jobTopic);
        reply("reply_to = another kind's job topic", refused, topics.jobs(JobKind.IMAGE));
        reply("reply_to = the dead-letter topic", refused, topics.deadLetter());
        reply("reply_to = __consumer_offsets", refused, "__consumer_offsets");
        reply("reply_to = __transaction_state", refused, "__transaction_state");
        reply("reply_to = '.'", refused, ".");
        reply("reply_to = '..'", refused, "..");
        reply("reply_to = a missing reply topic", refused, topics.prefix() + ".replies.nobody-home");
        reply("reply_to = an existing topic outside the allow-list", refused, outsideTopic);
        reply("reply_to colliding with an existing topic after '.'/'_' folding", refused,
                foldedTopic.replace('_', '.'));
        kinds.add(new Kind("Spring reply header = the job topic, unreadable body", m, false, id -> {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(jobTopic, id, utf8("{nope"));
            r.headers().add(RecordHeaders.REPLY_TOPIC, utf8(jobTopic));
            return r;
        }));
        // Answered, not dead-lettered.
        kinds.add(new Kind("deadline already past", null, false, id -> record(id,
                utf8(Json.toString(job(id).withDeadline(java.time.Instant.now().minusSeconds(60)))))));
        kinds.add(new Kind("created_at in year 1 (queue_ms forgery)", null, false, id -> record(id,
                utf8(valid(id).replaceFirst("\"created_at\":\"[^\"]*\"", "\"created_at\":\"0001-01-01T00:00:00Z\"")))));
    }

    /**
     * Creates the topics the catalogue refers to ({@code <prefix>.replies.test}, an existing topic outside the
     * allow-list, and {@code <prefix>.replies.x_y}) and returns the catalogue for the test worker's limits.
     */
    static HostileRecords onTopicsOf(io.xaichat.testkit.KafkaHandle kafka, Topics topics) {
        String reply = topics.prefix() + ".replies.test";
        String outside = topics.prefix() + "-outside";
        String folded = topics.prefix() + ".replies.x_y";
        for (String t : List.of(reply, outside, folded)) kafka.createTopic(t, 1);
        return new HostileRecords(topics, reply, outside, folded, io.xaichat.testkit.TestWorkers.MAX_RECORD_BYTES,
                io.xaichat.testkit.TestWorkers.MAX_TOKENS);
    }

    String replyTopic() {
        return replyTopic;
    }

    List<Kind> kinds() {
        return kinds;
    }

    /** The kinds that must end in the dead-letter topic. */
    List<Kind> deadLettered() {
        return kinds.stream().filter(k -> k.code() != null).toList();
    }

    /** The key a record of {@code kind} is sent under (the log-forging kind has a newline in it). */
    static String key(Kind kind, String id) {
        return kind.name().startsWith("key with a newline") ? id + "\nINFO forged line" : id;
    }

    private JobEnvelope job(String id) {
        return JobEnvelope.of(id, JobKind.CHAT, replyTopic, ChatRequest.ofPrompt("x").withMaxTokens(4));
    }

    private String valid(String id) {
        return Json.toString(job(id));
    }

    private ProducerRecord<String, byte[]> record(String id, byte[] value) {
        return new ProducerRecord<>(jobTopic, id, value);
    }

    private void raw(String name, String code, boolean springHeader, Function<String, byte[]> value, boolean reply) {
        kinds.add(new Kind(name, code, reply, id -> {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(jobTopic, id, value.apply(id));
            if (springHeader) r.headers().add(RecordHeaders.REPLY_TOPIC, utf8(replyTopic));
            return r;
        }));
    }

    private void field(String name, String code, Function<String, String> json) {
        kinds.add(new Kind(name, code, true, id -> record(id, utf8(json.apply(id)))));
    }

    private void reply(String name, String code, String topic) {
        kinds.add(new Kind(name, code, false, id -> record(id, utf8(Json.toString(job(id).withReplyTo(topic))))));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(byte[] b) {
        return b;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] invalidUtf8(String json) {
        byte[] b = utf8(json.replace("\"x\"", "\"x?\""));
        int at = json.replace("\"x\"", "\"x?\"").indexOf("x?") + 1;
        b[at] = (byte) 0xC3; // a lead byte followed by '"': not UTF-8
        return b;
    }
}
